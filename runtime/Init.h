// Parameter initializers and the counter-based random numbers behind them.
#ifndef MLC_RUNTIME_INIT_H
#define MLC_RUNTIME_INIT_H

#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <cstdint>
#include <string>

namespace mlc::rt {

/// A 64-bit hash of (a, b) with good avalanche (two SplitMix64 rounds).
uint64_t mixBits(uint64_t a, uint64_t b);

/// Stable 64-bit hash of a string (FNV-1a), for keying streams by name.
uint64_t hashName(const std::string &name);

/// Uniform double in [0, 1) from the counter `i` of stream `key`.
double uniformAt(uint64_t key, uint64_t i);

/// Fills `out` (`desc.byteSize()` bytes) following `init`. The numbers
/// depend only on `seed`, `name` and the element index, never on the order
/// in which tensors are initialized. A null `init` means zeros.
Status initializeTensor(const fb::InitSpec *init, const std::string &name,
                        const TensorDesc &desc, uint64_t seed, void *out);

} // namespace mlc::rt

#endif // MLC_RUNTIME_INIT_H
