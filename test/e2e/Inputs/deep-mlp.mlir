// A deep MLP whose weights (6 x 256 x 256 floats, 1.5 MiB) dwarf its
// activations (a batch of 2 rows): what ZeRO stage 3's memory plan holds
// at once is the parameters it gathered and has not freed.
func.func @forward(
    %x: tensor<2x256xf32> {mlc.input = "x"},
    %y: tensor<2x256xf32> {mlc.input = "y"},
    %w0: tensor<256x256xf32> {mlc.param = "w0", mlc.init = #mlc.init<normal, std = 0.05>},
    %w1: tensor<256x256xf32> {mlc.param = "w1", mlc.init = #mlc.init<normal, std = 0.05>},
    %w2: tensor<256x256xf32> {mlc.param = "w2", mlc.init = #mlc.init<normal, std = 0.05>},
    %w3: tensor<256x256xf32> {mlc.param = "w3", mlc.init = #mlc.init<normal, std = 0.05>},
    %w4: tensor<256x256xf32> {mlc.param = "w4", mlc.init = #mlc.init<normal, std = 0.05>},
    %w5: tensor<256x256xf32> {mlc.param = "w5", mlc.init = #mlc.init<normal, std = 0.05>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %h0 = mlc.matmul %x, %w0 : (tensor<2x256xf32>, tensor<256x256xf32>) -> tensor<2x256xf32>
  %a0 = mlc.tanh %h0 : tensor<2x256xf32>
  %h1 = mlc.matmul %a0, %w1 : (tensor<2x256xf32>, tensor<256x256xf32>) -> tensor<2x256xf32>
  %a1 = mlc.tanh %h1 : tensor<2x256xf32>
  %h2 = mlc.matmul %a1, %w2 : (tensor<2x256xf32>, tensor<256x256xf32>) -> tensor<2x256xf32>
  %a2 = mlc.tanh %h2 : tensor<2x256xf32>
  %h3 = mlc.matmul %a2, %w3 : (tensor<2x256xf32>, tensor<256x256xf32>) -> tensor<2x256xf32>
  %a3 = mlc.tanh %h3 : tensor<2x256xf32>
  %h4 = mlc.matmul %a3, %w4 : (tensor<2x256xf32>, tensor<256x256xf32>) -> tensor<2x256xf32>
  %a4 = mlc.tanh %h4 : tensor<2x256xf32>
  %h5 = mlc.matmul %a4, %w5 : (tensor<2x256xf32>, tensor<256x256xf32>) -> tensor<2x256xf32>
  %a5 = mlc.tanh %h5 : tensor<2x256xf32>
  %l = mlc.mse_loss %a5, %y : (tensor<2x256xf32>, tensor<2x256xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
