// A byte-level bigram language model: the logits of the next byte are the
// row of W for the current byte (one_hot(tokens) x W), trained with softmax
// cross-entropy against the tokens one step later. Batches of 32 windows of
// 64 tokens from a token file (mlc-data tokenize).
//
//   mlc-data tokenize data/austen.txt -o austen_train.safetensors \
//       --val-fraction 0.1 --val-out austen_val.safetensors
//   mlc compile models/bigram.mlir --train adam,lr=0.1 -o bigram.mlcx
//   mlc-run bigram.mlcx --data austen_train.safetensors --steps 500 \
//       --sample replacement --eval-data austen_val.safetensors
func.func @forward(
    %tokens: tensor<32x64xi32> {mlc.input = "tokens", mlc.shift = 0, mlc.vocab = 256},
    %targets: tensor<32x64xi32> {mlc.input = "targets", mlc.shift = 1, mlc.vocab = 256},
    %w: tensor<256x256xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %x = mlc.one_hot %tokens : (tensor<32x64xi32>) -> tensor<32x64x256xf32>
  %logits = mlc.matmul %x, %w : (tensor<32x64x256xf32>, tensor<256x256xf32>) -> tensor<32x64x256xf32>
  %loss = mlc.softmax_cross_entropy %logits, %targets : (tensor<32x64x256xf32>, tensor<32x64xi32>) -> tensor<f32>
  return %loss : tensor<f32>
}
