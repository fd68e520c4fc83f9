// Errors of -mlc-train-step. Each bad option setting runs on its own part
// of this file (split-file), so that each has its own expected-error; the
// model errors share one part and one valid setting.
// RUN: split-file %s %t
// RUN: mlc-opt %t/model-errors.mlir -split-input-file -verify-diagnostics -mlc-train-step=lr=0.1
// RUN: mlc-opt %t/unknown-optimizer.mlir -verify-diagnostics "-mlc-train-step=optimizer=rmsprop"
// RUN: mlc-opt %t/sgd-without-lr.mlir -verify-diagnostics "-mlc-train-step=optimizer=sgd"
// RUN: mlc-opt %t/negative-lr.mlir -verify-diagnostics "-mlc-train-step=optimizer=sgd lr=-0.1"
// RUN: mlc-opt %t/negative-lr-adam.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam lr=-0.5"
// RUN: mlc-opt %t/infinite-lr.mlir -verify-diagnostics "-mlc-train-step=optimizer=sgd lr=inf"
// RUN: mlc-opt %t/negative-weight-decay.mlir -verify-diagnostics "-mlc-train-step=optimizer=adamw weight-decay=-0.01"
// RUN: mlc-opt %t/negative-momentum.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=-0.9"
// RUN: mlc-opt %t/nesterov-without-momentum.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 nesterov=true"
// RUN: mlc-opt %t/nesterov-with-dampening.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 nesterov=true momentum=0.9 dampening=0.1"
// RUN: mlc-opt %t/adam-momentum.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam momentum=0.9"
// RUN: mlc-opt %t/adamw-nesterov.mlir -verify-diagnostics "-mlc-train-step=optimizer=adamw nesterov=true"
// RUN: mlc-opt %t/beta1-one.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam beta1=1.0"
// RUN: mlc-opt %t/beta2-negative.mlir -verify-diagnostics "-mlc-train-step=optimizer=adamw beta2=-0.1"
// RUN: mlc-opt %t/negative-eps.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam eps=-1e-8"
// RUN: mlc-opt %t/state-name-taken.mlir -verify-diagnostics -mlc-train-step=optimizer=adam
// RUN: mlc-opt %t/step-name-taken.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=0.9"
// RUN: mlc-opt %t/update-name-taken.mlir -verify-diagnostics -mlc-train-step=lr=0.1
// Schedule and clipping options.
// RUN: mlc-opt %t/warmup-negative.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 warmup=-1"
// RUN: mlc-opt %t/decay-before-warmup.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 warmup=10 decay-steps=10"
// RUN: mlc-opt %t/min-lr-without-decay.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 min-lr=0.01"
// RUN: mlc-opt %t/min-lr-above-lr.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 decay-steps=100 min-lr=0.5"
// RUN: mlc-opt %t/clip-zero.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 clip=0"
// RUN: mlc-opt %t/clip-nan.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam clip=nan"
// RUN: mlc-opt %t/lr-output-taken.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 warmup=2"
// RUN: mlc-opt %t/grad-norm-output-taken.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 clip=1"
// Options given are checked whatever their value: -1 is a value, not
// "left out"; an option the optimizer does not take is an error.
// RUN: mlc-opt %t/sgd-beta1.mlir -verify-diagnostics "-mlc-train-step=optimizer=sgd lr=0.1 beta1=0.9"
// RUN: mlc-opt %t/sgd-eps.mlir -verify-diagnostics "-mlc-train-step=optimizer=sgd lr=0.1 eps=1e-8"
// RUN: mlc-opt %t/sgd-amsgrad.mlir -verify-diagnostics "-mlc-train-step=optimizer=sgd lr=0.1 amsgrad=true"
// RUN: mlc-opt %t/momentum-nan.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=nan"
// RUN: mlc-opt %t/momentum-inf.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=inf"
// RUN: mlc-opt %t/dampening-nan.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=0.9 dampening=nan"
// RUN: mlc-opt %t/dampening-above-one.mlir -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=0.9 dampening=1.5"
// RUN: mlc-opt %t/adam-lr-minus-one.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam lr=-1"
// RUN: mlc-opt %t/adamw-weight-decay-minus-one.mlir -verify-diagnostics "-mlc-train-step=optimizer=adamw weight-decay=-1"
// RUN: mlc-opt %t/eps-nan.mlir -verify-diagnostics "-mlc-train-step=optimizer=adam eps=nan"

// MLIR itself rejects an unknown option name or a value of the wrong kind,
// before the pass runs: there is no location to attach an expected-error to.
// RUN: not mlc-opt %t/valid.mlir -mlc-train-step=learning-rate=0.1 2>&1 | FileCheck %s --check-prefix=UNKNOWN-OPTION
// UNKNOWN-OPTION: no such option learning-rate
// RUN: not mlc-opt %t/valid.mlir -mlc-train-step=lr=fast 2>&1 | FileCheck %s --check-prefix=BAD-VALUE
// BAD-VALUE: for the --lr option: 'fast' value invalid for floating point argument!
// RUN: not mlc-opt %t/valid.mlir "-mlc-train-step=lr=0.1 nesterov=maybe" 2>&1 | FileCheck %s --check-prefix=BAD-BOOL
// BAD-BOOL: for the --nesterov option: 'maybe' is invalid value for boolean argument!

//--- valid.mlir
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- unknown-optimizer.mlir
// expected-error @+1 {{unknown optimizer 'rmsprop' (expected sgd, adam or adamw)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- sgd-without-lr.mlir
// expected-error @+1 {{sgd needs a learning rate (lr=...)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- negative-lr.mlir
// expected-error @+1 {{invalid learning rate: -1.000000e-01}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- negative-lr-adam.mlir
// expected-error @+1 {{invalid learning rate: -5.000000e-01}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- infinite-lr.mlir
// expected-error @+1 {{invalid lr value: INF (expected a finite number)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- negative-weight-decay.mlir
// expected-error @+1 {{invalid weight-decay value: -1.000000e-02 (expected weight-decay >= 0)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- negative-momentum.mlir
// expected-error @+1 {{invalid momentum value: -9.000000e-01}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- nesterov-without-momentum.mlir
// expected-error @+1 {{nesterov momentum requires a momentum and zero dampening}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- nesterov-with-dampening.mlir
// expected-error @+1 {{nesterov momentum requires a momentum and zero dampening}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- adam-momentum.mlir
// expected-error @+1 {{adam takes no option 'momentum' (it takes lr, weight-decay, beta1, beta2, eps, amsgrad, warmup, decay-steps, min-lr, clip, decay-all)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- adamw-nesterov.mlir
// expected-error @+1 {{adamw takes no option 'nesterov' (it takes lr, weight-decay, beta1, beta2, eps, amsgrad, warmup, decay-steps, min-lr, clip, decay-all)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- beta1-one.mlir
// expected-error @+1 {{invalid beta1 parameter: 1.000000e+00 (expected 0 <= beta1 < 1)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- beta2-negative.mlir
// expected-error @+1 {{invalid beta2 parameter: -1.000000e-01 (expected 0 <= beta2 < 1)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- negative-eps.mlir
// expected-error @+1 {{invalid epsilon value: -1.000000e-08}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- sgd-beta1.mlir
// expected-error @+1 {{sgd takes no option 'beta1' (it takes lr, momentum, dampening, nesterov, weight-decay, warmup, decay-steps, min-lr, clip, decay-all)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- sgd-eps.mlir
// expected-error @+1 {{sgd takes no option 'eps' (it takes lr, momentum, dampening, nesterov, weight-decay, warmup, decay-steps, min-lr, clip, decay-all)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- sgd-amsgrad.mlir
// expected-error @+1 {{sgd takes no option 'amsgrad' (it takes lr, momentum, dampening, nesterov, weight-decay, warmup, decay-steps, min-lr, clip, decay-all)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- momentum-nan.mlir
// expected-error @+1 {{invalid momentum value: nan (expected a finite number)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- momentum-inf.mlir
// expected-error @+1 {{invalid momentum value: INF (expected a finite number)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- dampening-nan.mlir
// expected-error @+1 {{invalid dampening value: nan (expected a finite number)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- dampening-above-one.mlir
// expected-error @+1 {{invalid dampening value: 1.500000e+00 (expected 0 <= dampening <= 1)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- adam-lr-minus-one.mlir
// expected-error @+1 {{invalid learning rate: -1.000000e+00 (expected lr >= 0)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- adamw-weight-decay-minus-one.mlir
// expected-error @+1 {{invalid weight-decay value: -1.000000e+00 (expected weight-decay >= 0)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- eps-nan.mlir
// expected-error @+1 {{invalid eps value: nan (expected a finite number)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- warmup-negative.mlir
// expected-error @+1 {{invalid warmup value: -1 (expected a number of steps >= 0)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- decay-before-warmup.mlir
// expected-error @+1 {{invalid decay-steps value: 10 (expected more steps than the warmup's 10)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- min-lr-without-decay.mlir
// expected-error @+1 {{min-lr needs decay-steps (the step at which the cosine decay reaches it)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- min-lr-above-lr.mlir
// expected-error @+1 {{invalid min-lr value: 5.000000e-01 (expected 0 <= min-lr <= lr = 1.000000e-01)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- clip-zero.mlir
// expected-error @+1 {{invalid clip value: 0.000000e+00 (expected a finite norm > 0)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- clip-nan.mlir
// expected-error @+1 {{invalid clip value: nan (expected a finite norm > 0)}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- lr-output-taken.mlir
// expected-error @+1 {{result #1 is named 'lr', the name of an output @train_step adds}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<f32> {mlc.output = "lr"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %0 : tensor<f32>, tensor<f32>
}

//--- grad-norm-output-taken.mlir
// expected-error @+1 {{result #1 is named 'grad_norm', the name of an output @train_step adds}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<f32> {mlc.output = "grad_norm"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %0 : tensor<f32>, tensor<f32>
}

//--- model-errors.mlir
// expected-error @+1 {{no model function @forward}}
module {
  func.func @model(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
    %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
    return %0 : tensor<f32>
  }
}

// -----

// expected-error @+1 {{cannot add @train_step: the module already has that symbol}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @train_step(tensor<4xf32>) -> tensor<4xf32>

// -----

// expected-error @+1 {{cannot add @eval: the module already has that symbol}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
func.func private @eval(tensor<4xf32>) -> tensor<f32>

// -----

// expected-error @+1 {{a model function has one block and returns its loss first}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) {
  return
}

// -----

// expected-error @+1 {{argument #1 is optimizer state; the model already has a train step}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %s: tensor<i64> {mlc.state = "step"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error @+1 {{result #1 is an update; the model already has a train step}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<4xf32> {mlc.update = "w"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}

// -----

// expected-error @+1 {{argument #0 of @forward is neither an input (mlc.input = "name"), a parameter (mlc.param = "name"), optimizer state (mlc.state) nor a KV cache (mlc.cache)}}
func.func @forward(%w: tensor<4xf32>) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<4xf32> {
  // expected-error @+1 {{the loss must be a float scalar (tensor<f32> or similar), found 'tensor<4xf32>'}}
  %0 = mlc.exp %w : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  // expected-error @+1 {{cannot differentiate through 'mlc.einsum': it has no gradient rule (run -mlc-lower-einsum first)}}
  %0 = mlc.einsum "i->" %w : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// One data set feeds every input: rows or token windows, not both.
// expected-error @+1 {{inputs of @forward mix rows and token windows: 'x' is a row of the data set, 'tokens' a token window (mlc.shift); a data set is one or the other}}
func.func @forward(%x: tensor<2x4xf32> {mlc.input = "x"},
                   %t: tensor<2x4xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 16},
                   %w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error @+1 {{token-window inputs of @forward disagree on the vocabulary: 'tokens' has mlc.vocab = 16, 'targets' 32 (they read one token stream)}}
func.func @forward(%t: tensor<2x4xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 16},
                   %u: tensor<2x4xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 32},
                   %w: tensor<4xf32> {mlc.param = "w"}) -> tensor<f32> {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

//--- state-name-taken.mlir
// The state @train_step adds for w would have the name of argument #1.
// expected-error @+1 {{argument #1 is named 'w.exp_avg', the name of the optimizer state of 'w'}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %v: tensor<4xf32> {mlc.param = "w.exp_avg"}) -> tensor<f32> {
  %0 = mlc.mul %w, %v : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.reduce_sum %0 axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

//--- step-name-taken.mlir
// expected-error @+1 {{argument #1 is named 'step', the name of the optimizer step counter}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}, %s: tensor<4xf32> {mlc.input = "step"}) -> tensor<f32> {
  %0 = mlc.mul %w, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = mlc.reduce_sum %0 axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %1 : tensor<f32>
}

//--- update-name-taken.mlir
// @train_step returns the new w as the update "w": no output may be named so.
// expected-error @+1 {{result #1 is named 'w', the name of a value @train_step updates}}
func.func @forward(%w: tensor<4xf32> {mlc.param = "w"}) -> (tensor<f32>, tensor<4xf32> {mlc.output = "w"}) {
  %0 = mlc.reduce_sum %w axes = [0] : (tensor<4xf32>) -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<4xf32>
}
