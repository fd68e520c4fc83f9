// An MLP classifier for the 8x8 handwritten digits: 64 pixels -> 64 ReLU
// units -> 10 logits, softmax cross-entropy against the digit, plus the
// batch accuracy as a second output. Batches of 50.
//
//   mlc compile models/digits_mlp.mlir --train adamw,lr=3e-3,weight-decay=0.1 \
//       -o digits.mlcx
//   mlc-run digits.mlcx --data data/digits_train.safetensors --steps 3000 \
//       --eval-data data/digits_test.safetensors
func.func @forward(
    %x: tensor<50x64xf32> {mlc.input = "x"},
    %y: tensor<50xi64> {mlc.input = "y"},
    %w1: tensor<64x64xf32> {mlc.param = "w1", mlc.init = #mlc.init<kaiming_uniform>},
    %b1: tensor<64xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
    %w2: tensor<64x10xf32> {mlc.param = "w2", mlc.init = #mlc.init<kaiming_uniform>},
    %b2: tensor<10xf32> {mlc.param = "b2", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}, tensor<f32> {mlc.output = "accuracy"}) {
  %h = mlc.matmul %x, %w1 : (tensor<50x64xf32>, tensor<64x64xf32>) -> tensor<50x64xf32>
  %hb = mlc.add %h, %b1 : (tensor<50x64xf32>, tensor<64xf32>) -> tensor<50x64xf32>
  %a = mlc.relu %hb : tensor<50x64xf32>
  %z = mlc.matmul %a, %w2 : (tensor<50x64xf32>, tensor<64x10xf32>) -> tensor<50x10xf32>
  %logits = mlc.add %z, %b2 : (tensor<50x10xf32>, tensor<10xf32>) -> tensor<50x10xf32>
  %loss = mlc.softmax_cross_entropy %logits, %y : (tensor<50x10xf32>, tensor<50xi64>) -> tensor<f32>
  // accuracy = mean(argmax(logits) == y)
  %pred = mlc.argmax %logits axis = 1 : (tensor<50x10xf32>) -> tensor<50xi64>
  %hit = mlc.compare eq, %pred, %y : (tensor<50xi64>, tensor<50xi64>) -> tensor<50xi1>
  %hitf = mlc.cast %hit : tensor<50xi1> to tensor<50xf32>
  %acc = mlc.reduce_mean %hitf axes = [0] : (tensor<50xf32>) -> tensor<f32>
  return %loss, %acc : tensor<f32>, tensor<f32>
}
