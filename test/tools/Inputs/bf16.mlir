func.func @forward(%x: tensor<4x8xbf16> {mlc.input = "x"},
                   %w: tensor<8x2xbf16> {mlc.param = "w", mlc.init = #mlc.init<zeros>}) -> tensor<bf16> {
  %h = mlc.matmul %x, %w : (tensor<4x8xbf16>, tensor<8x2xbf16>) -> tensor<4x2xbf16>
  %l = mlc.reduce_sum %h axes = [0, 1] : (tensor<4x2xbf16>) -> tensor<bf16>
  return %l : tensor<bf16>
}
