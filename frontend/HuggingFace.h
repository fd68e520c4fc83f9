// Hugging Face checkpoints: config.json <-> TransformerConfig, and weights
// between a Hugging Face folder (model.safetensors, or shards with
// model.safetensors.index.json) and an mlc parameter file
// (`mlc import-hf`, `mlc export-hf`).
#ifndef MLC_FRONTEND_HUGGINGFACE_H
#define MLC_FRONTEND_HUGGINGFACE_H

#include "frontend/ModelGen.h"
#include "frontend/Safetensors.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlc {

/// The configuration a Hugging Face config.json describes (GPT2LMHeadModel
/// or LlamaForCausalLM), sizes only: batch, seq, ... stay 0. Errors name
/// `origin` and the key: a model type or setting mlc does not implement
/// (rope_scaling, biases in LLaMA, another activation), a missing key, a
/// value of the wrong type, sizes that do not fit together.
llvm::Expected<TransformerConfig> configFromHfJson(llvm::StringRef text,
                                                   llvm::StringRef origin);

/// config.json for `config`, with Hugging Face's keys.
std::string configToHfJson(const TransformerConfig &config);

/// The configuration recorded on a generated module (`mlc.transformer`).
llvm::Expected<TransformerConfig> configFromModule(mlir::ModuleOp module);

/// A parameter a model declares: its name and shape.
struct ParamShape {
  std::string name;
  llvm::SmallVector<int64_t, 4> shape;
};

/// The parameters (`mlc.param`) of function `func` of `module`, in order.
llvm::Expected<std::vector<ParamShape>> modelParameters(mlir::ModuleOp module,
                                                        llvm::StringRef func);

/// Reads the weights of the Hugging Face folder `dir` and returns `params`
/// (mlc's names: the Hugging Face names, GPT-2's with `transformer.`) as
/// f32, in that order. Accepts F32, F16 and BF16; GPT-2 names without the
/// `transformer.` prefix (GPT2Model); skips the buffers attn.bias,
/// attn.masked_bias and rotary_emb.inv_freq; a tied lm_head.weight must
/// equal the embedding. A tensor missing, left over, given twice or of
/// another shape, and a corrupt file or index, are errors naming it.
llvm::Expected<std::vector<Float32Tensor>>
readHfWeights(llvm::StringRef dir, const TransformerConfig &config,
              llvm::ArrayRef<ParamShape> params);

/// The tensors of model.safetensors for Hugging Face from an mlc parameter
/// file or checkpoint: every one of `params` (F32, of its shape), with the
/// optimizer state beside them ("step", "<param>.exp_avg", ...) ignored and
/// any other tensor an error.
llvm::Expected<std::vector<Float32Tensor>>
hfWeightsFromParams(const SafetensorsReader &file,
                    llvm::ArrayRef<ParamShape> params);

} // namespace mlc

#endif // MLC_FRONTEND_HUGGINGFACE_H
