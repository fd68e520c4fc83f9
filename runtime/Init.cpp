// Parameter initializers and the counter-based random numbers behind them.
#include "runtime/Init.h"

#include <cmath>
#include <vector>

namespace mlc::rt {

namespace {

uint64_t splitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Fans of a weight in the matmul convention [fan_in..., fan_out].
void computeFans(const TensorDesc &desc, double &fanIn, double &fanOut) {
  const std::vector<int64_t> &s = desc.shape;
  if (s.empty()) {
    fanIn = fanOut = 1;
  } else if (s.size() == 1) {
    fanIn = fanOut = static_cast<double>(s[0]);
  } else {
    fanOut = static_cast<double>(s.back());
    fanIn = static_cast<double>(desc.numElements()) / std::max(fanOut, 1.0);
  }
  fanIn = std::max(fanIn, 1.0);
  fanOut = std::max(fanOut, 1.0);
}

template <typename T> void store(void *out, const std::vector<double> &values) {
  T *dst = static_cast<T *>(out);
  for (size_t i = 0; i < values.size(); ++i)
    dst[i] = static_cast<T>(values[i]);
}

} // namespace

uint64_t mixBits(uint64_t a, uint64_t b) {
  return splitMix64(splitMix64(a) ^ (b * 0xD6E8FEB86659FD93ull));
}

uint64_t hashName(const std::string &name) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

double uniformAt(uint64_t key, uint64_t i) {
  return static_cast<double>(mixBits(key, i) >> 11) * 0x1.0p-53;
}

Status initializeTensor(const fb::InitSpec *init, const std::string &name,
                        const TensorDesc &desc, uint64_t seed, void *out) {
  fb::InitKind kind = init ? init->kind() : fb::InitKind::zeros;
  double a = init ? init->first() : 0.0, b = init ? init->second() : 0.0;
  size_t n = static_cast<size_t>(desc.numElements());
  uint64_t key = mixBits(seed, hashName(name));
  std::vector<double> values;
  MLC_RETURN_IF_ERROR(resizeOrFail(values, n, "initializing '" + name + "'"));
  double fanIn, fanOut;
  computeFans(desc, fanIn, fanOut);
  auto uniform = [&](double low, double high) {
    for (size_t i = 0; i < n; ++i)
      values[i] = low + (high - low) * uniformAt(key, i);
  };
  switch (kind) {
  case fb::InitKind::none:
  case fb::InitKind::zeros:
    break;
  case fb::InitKind::ones:
    std::fill(values.begin(), values.end(), 1.0);
    break;
  case fb::InitKind::constant:
    std::fill(values.begin(), values.end(), a);
    break;
  case fb::InitKind::normal:
    // Box-Muller on the counter pair (2i, 2i + 1).
    for (size_t i = 0; i < n; ++i) {
      double u1 = 1.0 - uniformAt(key, 2 * i); // (0, 1]
      double u2 = uniformAt(key, 2 * i + 1);
      values[i] =
          a + b * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }
    break;
  case fb::InitKind::uniform:
    uniform(a, b);
    break;
  case fb::InitKind::xavier_uniform: {
    double bound = a * std::sqrt(6.0 / (fanIn + fanOut));
    uniform(-bound, bound);
    break;
  }
  case fb::InitKind::kaiming_uniform: {
    double gain = std::sqrt(2.0 / (1.0 + a * a));
    double bound = gain * std::sqrt(3.0 / fanIn);
    uniform(-bound, bound);
    break;
  }
  }
  bool random = kind == fb::InitKind::normal || kind == fb::InitKind::uniform ||
                kind == fb::InitKind::xavier_uniform ||
                kind == fb::InitKind::kaiming_uniform;
  switch (desc.dtype) {
  case DType::f32:
    store<float>(out, values);
    return Status::ok();
  case DType::f64:
    store<double>(out, values);
    return Status::ok();
  case DType::i32:
  case DType::i64:
  case DType::i1:
    if (random)
      return Status::error("'" + name + "' has integer dtype " +
                           dtypeName(desc.dtype) +
                           " and cannot take a random initializer");
    if (desc.dtype == DType::i32)
      store<int32_t>(out, values);
    else if (desc.dtype == DType::i64)
      store<int64_t>(out, values);
    else
      store<uint8_t>(out, values);
    return Status::ok();
  default:
    return Status::error("'" + name + "': cannot initialize dtype " +
                         std::string(dtypeName(desc.dtype)) + " on this host");
  }
}

} // namespace mlc::rt
