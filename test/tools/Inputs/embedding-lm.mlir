// A bigram language model: token ids through an embedding table, a
// projection to the vocabulary and cross-entropy against the next ids.
func.func @forward(%ids: tensor<2x3xi64> {mlc.input = "ids"},
                   %next: tensor<2x3xi64> {mlc.input = "next"},
                   %wte: tensor<5x4xf32> {mlc.param = "wte", mlc.init = #mlc.init<normal, std = 0.02>},
                   %head: tensor<4x5xf32> {mlc.param = "head", mlc.init = #mlc.init<normal, std = 0.02>})
                   -> tensor<f32> {
  %e = mlc.embedding %wte, %ids : (tensor<5x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %logits = mlc.matmul %e, %head : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %l = mlc.softmax_cross_entropy %logits, %next : (tensor<2x3x5xf32>, tensor<2x3xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
