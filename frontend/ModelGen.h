// Model generators: the GPT-2 and LLaMA families written out as model files
// (`mlc gen gpt2|llama ...`), with parameters named and laid out as in
// Hugging Face checkpoints.
#ifndef MLC_FRONTEND_MODELGEN_H
#define MLC_FRONTEND_MODELGEN_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlc {

/// The shape of a decoder-only transformer and of the functions written for
/// it. Sizes of 0 take the family's default (see `defaultsFor`).
struct TransformerConfig {
  enum class Family { GPT2, Llama };
  Family family = Family::GPT2;
  int64_t layers = 0;
  int64_t heads = 0;
  /// Key/value heads (LLaMA's grouped-query attention); GPT-2 has `heads`.
  int64_t kvHeads = 0;
  int64_t dim = 0;
  /// Hidden width of the MLP: 4 * dim for GPT-2; for LLaMA the SwiGLU width
  /// 8 * dim / 3 rounded up to a multiple of 32.
  int64_t ffnDim = 0;
  int64_t vocab = 0;
  /// Positions the model reads at most (the KV cache's length).
  int64_t context = 0;
  /// Batch and sequence length of the training function @forward.
  int64_t batch = 0;
  int64_t seq = 0;
  /// Batch of the evaluation function @forward_eval (default: batch).
  int64_t evalBatch = 0;
  /// Tokens of one @prefill call (default: context).
  int64_t prefill = 0;
  /// LayerNorm eps (GPT-2, 1e-5) or RMSNorm eps (LLaMA, 1e-6).
  double normEps = 0;
  /// LLaMA: RoPE base.
  double ropeTheta = 10000.0;
  /// LLaMA: whether lm_head shares the token embedding (GPT-2 always does).
  bool tieEmbeddings = false;
  /// Whether to write @prefill and @decode for generation with a KV cache.
  bool generation = true;
};

/// The family's name as `mlc gen` spells it ("gpt2", "llama").
const char *familyName(TransformerConfig::Family family);

/// `config` with every size left at 0 replaced by its default.
TransformerConfig defaultsFor(TransformerConfig config);

/// The model file for `config`, or an error naming the first setting that
/// is missing or contradicts another (heads not dividing dim, kv-heads not
/// dividing heads, a sequence longer than the context, ...).
llvm::Expected<std::string>
generateTransformer(const TransformerConfig &config);

} // namespace mlc

#endif // MLC_FRONTEND_MODELGEN_H
