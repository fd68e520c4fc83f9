// The first exercise: a 2-layer MLP regression, 8 features -> 16 ReLU units
// -> 1 output, trained on one sample per step with mean squared error.
//
//   mlc compile models/mlp.mlir --train sgd,lr=0.1 -o mlp.mlcx
//   mlc-run mlp.mlcx --data data/regression.safetensors --steps 100000 \
//       --sample replacement --log-every 100 \
//       --eval-data data/regression.safetensors
func.func @forward(
    %x: tensor<1x8xf32> {mlc.input = "x"},
    %y: tensor<1x1xf32> {mlc.input = "y"},
    %w1: tensor<8x16xf32> {mlc.param = "w1", mlc.init = #mlc.init<kaiming_uniform>},
    %b1: tensor<16xf32> {mlc.param = "b1", mlc.init = #mlc.init<zeros>},
    %w2: tensor<16x1xf32> {mlc.param = "w2", mlc.init = #mlc.init<kaiming_uniform>},
    %b2: tensor<1xf32> {mlc.param = "b2", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h = mlc.matmul %x, %w1 : (tensor<1x8xf32>, tensor<8x16xf32>) -> tensor<1x16xf32>
  %hb = mlc.add %h, %b1 : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
  %a = mlc.relu %hb : tensor<1x16xf32>
  %p = mlc.matmul %a, %w2 : (tensor<1x16xf32>, tensor<16x1xf32>) -> tensor<1x1xf32>
  %pb = mlc.add %p, %b2 : (tensor<1x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  %loss = mlc.mse_loss %pb, %y : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<f32>
  return %loss : tensor<f32>
}
