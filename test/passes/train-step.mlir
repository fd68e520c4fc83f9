// -mlc-train-step: @train_step(params, optimizer state, inputs) -> (new
// params, new state, outputs), and the model function renamed to @eval.
// One RUN line per optimizer setting; each checks the signature and the
// update of w1 (the other parameters get the same ops).
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-train-step=lr=0.1 | FileCheck %s --check-prefixes=CHECK,SGD
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=lr=0.1 weight-decay=0.01" | FileCheck %s --check-prefixes=CHECK,SGD-WD
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=optimizer=sgd lr=0.1 momentum=0.9 dampening=0.5" | FileCheck %s --check-prefixes=CHECK,MOMENTUM
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=lr=0.1 momentum=0.9 nesterov=true" | FileCheck %s --check-prefixes=CHECK,NESTEROV
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-train-step=optimizer=adam | FileCheck %s --check-prefixes=CHECK,ADAM
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=optimizer=adam weight-decay=0.1" | FileCheck %s --check-prefixes=CHECK,ADAM-L2
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=optimizer=adamw lr=0.01 weight-decay=0.1" | FileCheck %s --check-prefixes=CHECK,ADAMW
// RUN: mlc-opt %s -split-input-file -verify-diagnostics -mlc-train-step=optimizer=adamw | FileCheck %s --check-prefixes=CHECK,ADAMW-DEFAULT
// RUN: mlc-opt %s -split-input-file -verify-diagnostics "-mlc-train-step=optimizer=adam amsgrad=true" | FileCheck %s --check-prefixes=CHECK,AMSGRAD

// The model function becomes @eval, unchanged.
// CHECK-NOT: @forward
// CHECK-LABEL: func.func @eval(
// CHECK-SAME: {mlc.input = "x"}
// CHECK-SAME: attributes {mlc.kind = "eval"}
// CHECK: mlc.mse_loss
// CHECK-NEXT: return

// CHECK-LABEL: func.func @train_step(
// In each block below, DW1 is the gradient of w1 (a = x w1): the update
// starts from it.

// Plain SGD keeps no state: w1 += -lr * g.
// SGD-SAME: %[[W1:.*]]: tensor<8x16xf32> {mlc.init = #mlc.init<normal, mean = 0.000000e+00, std = 1.000000e-01>, mlc.param = "w1"},
// SGD-SAME: %{{.*}}: tensor<16xf32> {mlc.init = #mlc.init<zeros>, mlc.param = "b1"}, %{{.*}}: tensor<16x1xf32> {{.*}}mlc.param = "w2"},
// SGD-SAME: %{{.*}}: tensor<1x8xf32> {mlc.input = "x"}, %{{.*}}: tensor<1x1xf32> {mlc.input = "y"})
// SGD-SAME: -> (tensor<8x16xf32> {mlc.update = "w1"}, tensor<16xf32> {mlc.update = "b1"}, tensor<16x1xf32> {mlc.update = "w2"}, tensor<f32> {mlc.output = "loss"})
// SGD-SAME: attributes {mlc.kind = "train", mlc.optimizer = "sgd(lr=0.1, momentum=0, dampening=0, nesterov=false, weight_decay=0)"}
// SGD: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// SGD: %[[NEG_LR:.*]] = mlc.constant dense<-1.000000e-01> : tensor<f32>
// SGD: %[[UPD:.*]] = mlc.mul %[[DW1]], %[[NEG_LR]]
// SGD: %[[NEW_W1:.*]] = mlc.add %[[W1]], %[[UPD]]
// SGD: return %[[NEW_W1]], %{{.*}}, %{{.*}}, %[[LOSS:[^ ]*]] :

// SGD with weight decay: g + wd * w1.
// SGD-WD-SAME: %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"},
// SGD-WD-SAME: weight_decay=0.01); weight decay on matrices only"}
// SGD-WD: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// SGD-WD: %[[WD:.*]] = mlc.constant dense<0.00999999977> : tensor<f32>
// SGD-WD: %[[DECAY:.*]] = mlc.mul %[[W1]], %[[WD]]
// SGD-WD: %[[D:.*]] = mlc.add %[[DW1]], %[[DECAY]]
// SGD-WD: %[[NEG_LR:.*]] = mlc.constant dense<-1.000000e-01> : tensor<f32>
// SGD-WD: %[[UPD:.*]] = mlc.mul %[[D]], %[[NEG_LR]]
// SGD-WD: %[[NEW_W1:.*]] = mlc.add %[[W1]], %[[UPD]]
// SGD-WD: return %[[NEW_W1]],

// SGD with momentum: a step counter and one momentum buffer per parameter,
// all starting at zero. buf = g on the first step, else
// momentum * buf + (1 - dampening) * g.
// MOMENTUM-SAME: %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"}, %{{.*}}: tensor<16xf32> {{.*}}, %{{.*}}: tensor<16x1xf32> {{.*}}mlc.param = "w2"},
// MOMENTUM-SAME: %[[STEP:.*]]: tensor<i64> {mlc.counter, mlc.init = #mlc.init<zeros>, mlc.state = "step"},
// MOMENTUM-SAME: %[[BUF:.*]]: tensor<8x16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w1.momentum_buffer"},
// MOMENTUM-SAME: %{{.*}}: tensor<16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "b1.momentum_buffer"},
// MOMENTUM-SAME: %{{.*}}: tensor<16x1xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w2.momentum_buffer"},
// MOMENTUM-SAME: %{{.*}}: tensor<1x8xf32> {mlc.input = "x"}, %{{.*}}: tensor<1x1xf32> {mlc.input = "y"})
// MOMENTUM-SAME: -> (tensor<8x16xf32> {mlc.update = "w1"}, tensor<16xf32> {mlc.update = "b1"}, tensor<16x1xf32> {mlc.update = "w2"},
// MOMENTUM-SAME: tensor<8x16xf32> {mlc.update = "w1.momentum_buffer"}, tensor<16xf32> {mlc.update = "b1.momentum_buffer"}, tensor<16x1xf32> {mlc.update = "w2.momentum_buffer"},
// MOMENTUM-SAME: tensor<i64> {mlc.update = "step"}, tensor<f32> {mlc.output = "loss"})
// MOMENTUM-SAME: attributes {mlc.kind = "train", mlc.optimizer = "sgd(lr=0.1, momentum=0.9, dampening=0.5, nesterov=false, weight_decay=0)"}
// MOMENTUM: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// MOMENTUM: %[[ONE:.*]] = mlc.constant dense<1> : tensor<i64>
// MOMENTUM: %[[NEXT_STEP:.*]] = mlc.add %[[STEP]], %[[ONE]] : (tensor<i64>, tensor<i64>) -> tensor<i64>
// MOMENTUM: %[[MOM:.*]] = mlc.constant dense<0.899999976> : tensor<f32>
// MOMENTUM: %[[KEPT:.*]] = mlc.mul %[[BUF]], %[[MOM]]
// MOMENTUM: %[[UNDAMPENED:.*]] = mlc.constant dense<5.000000e-01> : tensor<f32>
// MOMENTUM: %[[ADDED:.*]] = mlc.mul %[[DW1]], %[[UNDAMPENED]]
// MOMENTUM: %[[RUNNING:.*]] = mlc.add %[[KEPT]], %[[ADDED]]
// MOMENTUM: %[[ZERO:.*]] = mlc.constant dense<0> : tensor<i64>
// MOMENTUM: %[[FIRST:.*]] = mlc.compare eq, %[[STEP]], %[[ZERO]]
// MOMENTUM: %[[NEW_BUF:.*]] = mlc.select %[[FIRST]], %[[DW1]], %[[RUNNING]]
// MOMENTUM: %[[NEG_LR:.*]] = mlc.constant dense<-1.000000e-01> : tensor<f32>
// MOMENTUM: %[[UPD:.*]] = mlc.mul %[[NEW_BUF]], %[[NEG_LR]]
// MOMENTUM: %[[NEW_W1:.*]] = mlc.add %[[W1]], %[[UPD]]
// The first-step test is shared by all parameters.
// MOMENTUM-NOT: mlc.compare
// MOMENTUM: return %[[NEW_W1]], %{{.*}}, %{{.*}}, %[[NEW_BUF]], %{{.*}}, %{{.*}}, %[[NEXT_STEP]], %{{.*}} :

// Nesterov: the step is g + momentum * buf.
// NESTEROV-SAME: %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"},
// NESTEROV-SAME: mlc.state = "w1.momentum_buffer"
// NESTEROV-SAME: nesterov=true
// NESTEROV: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// NESTEROV: %[[NEW_BUF:.*]] = mlc.select %{{.*}}, %[[DW1]], %{{.*}}
// NESTEROV: %[[MOM:.*]] = mlc.constant dense<0.899999976> : tensor<f32>
// NESTEROV: %[[LOOKAHEAD:.*]] = mlc.mul %[[NEW_BUF]], %[[MOM]]
// NESTEROV: %[[D:.*]] = mlc.add %[[DW1]], %[[LOOKAHEAD]]
// NESTEROV: %[[NEG_LR:.*]] = mlc.constant dense<-1.000000e-01> : tensor<f32>
// NESTEROV: %[[UPD:.*]] = mlc.mul %[[D]], %[[NEG_LR]]
// NESTEROV: %[[NEW_W1:.*]] = mlc.add %[[W1]], %[[UPD]]
// NESTEROV: return %[[NEW_W1]], %{{.*}}, %{{.*}}, %[[NEW_BUF]],

// Adam: exp_avg and exp_avg_sq per parameter and a step counter.
// m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// w1 -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), the
// bias corrections in f64.
// ADAM-SAME: %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"}, %{{.*}}: tensor<16xf32> {{.*}}, %{{.*}}: tensor<16x1xf32> {{.*}}mlc.param = "w2"},
// ADAM-SAME: %[[STEP:.*]]: tensor<i64> {mlc.counter, mlc.init = #mlc.init<zeros>, mlc.state = "step"},
// ADAM-SAME: %[[M:.*]]: tensor<8x16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w1.exp_avg"},
// ADAM-SAME: %[[V:.*]]: tensor<8x16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w1.exp_avg_sq"},
// ADAM-SAME: %{{.*}}: tensor<16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "b1.exp_avg"}, %{{.*}}: tensor<16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "b1.exp_avg_sq"},
// ADAM-SAME: %{{.*}}: tensor<16x1xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w2.exp_avg"}, %{{.*}}: tensor<16x1xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w2.exp_avg_sq"},
// ADAM-SAME: %{{.*}}: tensor<1x8xf32> {mlc.input = "x"}, %{{.*}}: tensor<1x1xf32> {mlc.input = "y"})
// ADAM-SAME: -> (tensor<8x16xf32> {mlc.update = "w1"}, tensor<16xf32> {mlc.update = "b1"}, tensor<16x1xf32> {mlc.update = "w2"},
// ADAM-SAME: tensor<8x16xf32> {mlc.update = "w1.exp_avg"}, tensor<8x16xf32> {mlc.update = "w1.exp_avg_sq"},
// ADAM-SAME: tensor<16xf32> {mlc.update = "b1.exp_avg"}, tensor<16xf32> {mlc.update = "b1.exp_avg_sq"},
// ADAM-SAME: tensor<16x1xf32> {mlc.update = "w2.exp_avg"}, tensor<16x1xf32> {mlc.update = "w2.exp_avg_sq"},
// ADAM-SAME: tensor<i64> {mlc.update = "step"}, tensor<f32> {mlc.output = "loss"})
// ADAM-SAME: attributes {mlc.kind = "train", mlc.optimizer = "adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, amsgrad=false)"}
// ADAM: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// ADAM: %[[NEXT_STEP:.*]] = mlc.add %[[STEP]], %{{.*}} : (tensor<i64>, tensor<i64>) -> tensor<i64>
// ADAM: %[[BETA1:.*]] = mlc.constant dense<0.899999976> : tensor<f32>
// ADAM: %[[M_KEPT:.*]] = mlc.mul %[[M]], %[[BETA1]]
// ADAM: %[[ONE_MINUS_BETA1:.*]] = mlc.constant dense<1.000000e-01> : tensor<f32>
// ADAM: %[[M_ADDED:.*]] = mlc.mul %[[DW1]], %[[ONE_MINUS_BETA1]]
// ADAM: %[[NEW_M:.*]] = mlc.add %[[M_KEPT]], %[[M_ADDED]]
// ADAM: %[[BETA2:.*]] = mlc.constant dense<9.990000e-01> : tensor<f32>
// ADAM: %[[V_KEPT:.*]] = mlc.mul %[[V]], %[[BETA2]]
// ADAM: %[[G2:.*]] = mlc.mul %[[DW1]], %[[DW1]]
// ADAM: %[[ONE_MINUS_BETA2:.*]] = mlc.constant dense<1.000000e-03> : tensor<f32>
// ADAM: %[[V_ADDED:.*]] = mlc.mul %[[G2]], %[[ONE_MINUS_BETA2]]
// ADAM: %[[NEW_V:.*]] = mlc.add %[[V_KEPT]], %[[V_ADDED]]
// ADAM: %[[T:.*]] = mlc.cast %[[NEXT_STEP]] : tensor<i64> to tensor<f64>
// ADAM: %[[ONE:.*]] = mlc.constant dense<1.000000e+00> : tensor<f64>
// ADAM: %[[BETA1_64:.*]] = mlc.constant dense<9.000000e-01> : tensor<f64>
// ADAM: %[[BETA1_T:.*]] = mlc.pow %[[BETA1_64]], %[[T]]
// ADAM: %[[BC1:.*]] = mlc.sub %[[ONE]], %[[BETA1_T]]
// ADAM: %[[BETA2_T:.*]] = mlc.pow %{{.*}}, %[[T]]
// ADAM: %[[BC2:.*]] = mlc.sub %[[ONE]], %[[BETA2_T]]
// ADAM: %[[LR:.*]] = mlc.constant dense<1.000000e-03> : tensor<f64>
// ADAM: %[[STEP_SIZE_64:.*]] = mlc.div %[[LR]], %[[BC1]]
// ADAM: %[[BC2_SQRT_64:.*]] = mlc.sqrt %[[BC2]] : tensor<f64>
// ADAM: %[[STEP_SIZE:.*]] = mlc.cast %[[STEP_SIZE_64]] : tensor<f64> to tensor<f32>
// ADAM: %[[BC2_SQRT:.*]] = mlc.cast %[[BC2_SQRT_64]] : tensor<f64> to tensor<f32>
// ADAM: %[[SQRT_V:.*]] = mlc.sqrt %[[NEW_V]]
// ADAM: %[[SCALED:.*]] = mlc.div %[[SQRT_V]], %[[BC2_SQRT]]
// ADAM: %[[EPS:.*]] = mlc.constant dense<9.99999993E-9> : tensor<f32>
// ADAM: %[[DENOM:.*]] = mlc.add %[[SCALED]], %[[EPS]]
// ADAM: %[[RATIO:.*]] = mlc.div %[[NEW_M]], %[[DENOM]]
// ADAM: %[[UPD:.*]] = mlc.mul %[[RATIO]], %[[STEP_SIZE]]
// ADAM: %[[NEW_W1:.*]] = mlc.sub %[[W1]], %[[UPD]]
// The bias corrections are shared by all parameters of one element type.
// ADAM-NOT: mlc.pow
// ADAM: return %[[NEW_W1]], %{{.*}}, %{{.*}}, %[[NEW_M]], %[[NEW_V]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[NEXT_STEP]], %{{.*}} :

// Adam's weight decay is L2: it is added to the gradient.
// ADAM-L2-SAME: %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"},
// ADAM-L2-SAME: weight_decay=0.1, amsgrad=false); weight decay on matrices only"}
// ADAM-L2: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// ADAM-L2: %[[WD:.*]] = mlc.constant dense<1.000000e-01> : tensor<f32>
// ADAM-L2: %[[DECAY:.*]] = mlc.mul %[[W1]], %[[WD]]
// ADAM-L2: %[[G:.*]] = mlc.add %[[DW1]], %[[DECAY]]
// ADAM-L2: %[[M_ADDED:.*]] = mlc.mul %[[G]], %{{.*}}
// ADAM-L2: %[[G2:.*]] = mlc.mul %[[G]], %[[G]]
// ADAM-L2: %[[NEW_W1:.*]] = mlc.sub %[[W1]], %{{.*}}
// ADAM-L2: return %[[NEW_W1]],

// AdamW decouples the decay: w1 * (1 - lr * wd) takes the Adam step, and
// the moments see the plain gradient.
// ADAMW-SAME: %[[W1:.*]]: tensor<8x16xf32> {{.*}}mlc.param = "w1"},
// ADAMW-SAME: attributes {mlc.kind = "train", mlc.optimizer = "adamw(lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.1, amsgrad=false); weight decay on matrices only"}
// ADAMW: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// ADAMW: %[[KEEP:.*]] = mlc.constant dense<9.990000e-01> : tensor<f32>
// ADAMW: %[[DECAYED:.*]] = mlc.mul %[[W1]], %[[KEEP]]
// ADAMW: %[[M_ADDED:.*]] = mlc.mul %[[DW1]], %{{.*}}
// ADAMW: %[[G2:.*]] = mlc.mul %[[DW1]], %[[DW1]]
// ADAMW: %[[LR:.*]] = mlc.constant dense<1.000000e-02> : tensor<f64>
// ADAMW: %[[NEW_W1:.*]] = mlc.sub %[[DECAYED]], %{{.*}}
// ADAMW: return %[[NEW_W1]],

// AdamW's default weight decay is 1e-2, its default lr 1e-3: the factor is
// 1 - 1e-5.
// ADAMW-DEFAULT-SAME: attributes {mlc.kind = "train", mlc.optimizer = "adamw(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01, amsgrad=false); weight decay on matrices only"}
// ADAMW-DEFAULT: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// ADAMW-DEFAULT: mlc.constant dense<0.999989986> : tensor<f32>

// AMSGrad keeps the running maximum of v and divides by its square root.
// AMSGRAD-SAME: mlc.state = "w1.exp_avg"}, %[[V:.*]]: tensor<8x16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w1.exp_avg_sq"},
// AMSGRAD-SAME: %[[VMAX:.*]]: tensor<8x16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "w1.max_exp_avg_sq"},
// AMSGRAD-SAME: %{{.*}}: tensor<16xf32> {mlc.init = #mlc.init<zeros>, mlc.state = "b1.exp_avg"}
// AMSGRAD-SAME: mlc.state = "b1.max_exp_avg_sq"
// AMSGRAD-SAME: mlc.state = "w2.max_exp_avg_sq"
// AMSGRAD-SAME: tensor<8x16xf32> {mlc.update = "w1.exp_avg"}, tensor<8x16xf32> {mlc.update = "w1.exp_avg_sq"}, tensor<8x16xf32> {mlc.update = "w1.max_exp_avg_sq"}
// AMSGRAD-SAME: amsgrad=true)"}
// AMSGRAD: %[[DW1:.*]] = mlc.matmul %{{.*}}, %{{.*}} transpose_lhs : (tensor<1x8xf32>, tensor<1x16xf32>) -> tensor<8x16xf32>
// AMSGRAD: %[[V_KEPT:.*]] = mlc.mul %[[V]], %{{.*}}
// AMSGRAD: %[[NEW_V:.*]] = mlc.add %[[V_KEPT]], %{{.*}}
// AMSGRAD: %[[NEW_VMAX:.*]] = mlc.max %[[VMAX]], %[[NEW_V]]
// AMSGRAD: %[[SQRT:.*]] = mlc.sqrt %[[NEW_VMAX]]
// AMSGRAD: return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[NEW_V]], %[[NEW_VMAX]],

func.func @forward(%x: tensor<1x8xf32> {mlc.input = "x"}, %y: tensor<1x1xf32> {mlc.input = "y"},
                   %w1: tensor<8x16xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.1>},
                   %b1: tensor<16xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
                   %w2: tensor<16x1xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.1>}) -> tensor<f32> {
  %a  = mlc.matmul %x, %w1 : (tensor<1x8xf32>, tensor<8x16xf32>) -> tensor<1x16xf32>
  %ab = mlc.add %a, %b1 : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
  %r  = mlc.relu %ab : tensor<1x16xf32>
  %p  = mlc.matmul %r, %w2 : (tensor<1x16xf32>, tensor<16x1xf32>) -> tensor<1x1xf32>
  %l  = mlc.mse_loss %p, %y : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

// A frozen parameter and one the loss does not depend on stay arguments of
// @train_step but get no state and no update; the second is warned about.
// Extra outputs follow the loss.
// CHECK-LABEL: func.func @eval(
// CHECK-LABEL: func.func @train_step(
// CHECK-SAME: %{{.*}}: tensor<3xf32> {mlc.param = "w"}, %{{.*}}: tensor<3xf32> {mlc.frozen, mlc.param = "f"}, %{{.*}}: tensor<3xf32> {mlc.param = "unused"}
// CHECK-NOT: "f.
// CHECK-NOT: "unused.
// CHECK-SAME: {mlc.update = "w"}
// CHECK-NOT: mlc.update = "f"
// CHECK-NOT: mlc.update = "unused"
// CHECK-SAME: tensor<f32> {mlc.output = "loss"}, tensor<4x3xf32> {mlc.output = "scaled"})
// The warning points at the parameter.
// expected-warning @+2 {{parameter 'unused' does not affect the loss; it gets no gradient and is not updated}}
func.func @forward(%x: tensor<4x3xf32> {mlc.input = "x"}, %w: tensor<3xf32> {mlc.param = "w"},
                   %f: tensor<3xf32> {mlc.param = "f", mlc.frozen}, %u: tensor<3xf32> {mlc.param = "unused"})
    -> (tensor<f32>, tensor<4x3xf32> {mlc.output = "scaled"}) {
  %0 = mlc.mul %x, %w : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %1 = mlc.add %0, %f : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %l = mlc.reduce_mean %1 axes = [0, 1] : (tensor<4x3xf32>) -> tensor<f32>
  return %l, %0 : tensor<f32>, tensor<4x3xf32>
}

// -----

// Many parameters the loss does not depend on: one warning, at the first,
// naming eight and counting the rest; with Adam, the state of the used
// parameter sits between the parameters and the input, and the unused ones
// get none.
// CHECK-LABEL: func.func @eval(
// CHECK-SAME: attributes {mlc.kind = "eval"}
// CHECK-LABEL: func.func @train_step(
// CHECK-NOT: "u{{[0-9]+}}.
// CHECK: return
// expected-warning @+3 {{10 parameters do not affect the loss; they get no gradient and are not updated: 'u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7' and 2 more}}
func.func @forward(%x: tensor<2xf32> {mlc.input = "x"},
                   %w: tensor<2xf32> {mlc.param = "w"},
                   %u0: tensor<2xf32> {mlc.param = "u0"}, %u1: tensor<2xf32> {mlc.param = "u1"},
                   %u2: tensor<2xf32> {mlc.param = "u2"}, %u3: tensor<2xf32> {mlc.param = "u3"},
                   %u4: tensor<2xf32> {mlc.param = "u4"}, %u5: tensor<2xf32> {mlc.param = "u5"},
                   %u6: tensor<2xf32> {mlc.param = "u6"}, %u7: tensor<2xf32> {mlc.param = "u7"},
                   %u8: tensor<2xf32> {mlc.param = "u8"}, %u9: tensor<2xf32> {mlc.param = "u9"})
    -> tensor<f32> {
  %0 = mlc.mul %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %l = mlc.reduce_sum %0 axes = [0] : (tensor<2xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
