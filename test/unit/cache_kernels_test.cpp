// Unit tests of the cache_write kernel: the slices it writes against a
// naive reference, in place and into another buffer, its checks and the
// error for a position outside the cache.
#include "test/unit/CpuKernelsTestUtil.h"

namespace mlc::rt::cpu::test {
namespace {

fb::CpuKernelT cacheWrite(int64_t axis) {
  fb::CpuKernelT k = kernelOf(OpKind::cache_write);
  k.axis = axis;
  return k;
}

Host position(DType dtype, int64_t pos) {
  Host h(dtype, {});
  h.set(0, static_cast<double>(pos));
  return h;
}

/// The cache with [pos, pos + T) along `axis` replaced by `value`.
std::vector<double> reference(const Host &cache, const Host &value,
                              int64_t axis, int64_t pos) {
  std::vector<double> out = cache.values();
  for (int64_t i = 0; i < value.size(); ++i) {
    Shape idx = unravel(i, value.desc.shape);
    idx[axis] += pos;
    out[ravel(idx, cache.desc.shape)] = value.get(i);
  }
  return out;
}

TEST(CacheWrite, WritesTheSlicesAtThePositionAlongEveryAxis) {
  const Shape cacheShape = {2, 5, 3};
  for (DType dtype : {DType::f32, DType::f64})
    for (int64_t axis = 0; axis < 3; ++axis)
      for (int64_t t = 1; t <= cacheShape[axis]; ++t)
        for (int64_t pos = 0; pos + t <= cacheShape[axis]; ++pos) {
          Shape valueShape = cacheShape;
          valueShape[axis] = t;
          Host cache = randomHost(dtype, cacheShape, -1, 1, 3);
          Host value = randomHost(dtype, valueShape, 5, 6, 4);
          Host p = position(pos % 2 ? DType::i32 : DType::i64, pos);
          std::vector<double> want = reference(cache, value, axis, pos);
          // Into another buffer: the cache is copied, then written.
          Host out(dtype, cacheShape);
          ASSERT_RUNS(cacheWrite(axis), {&cache, &value, &p}, {&out});
          expectValues(out, want, 0);
          // In place: only the slices change.
          ASSERT_RUNS(cacheWrite(axis), {&cache, &value, &p}, {&cache});
          expectValues(cache, want, 0);
        }
}

TEST(CacheWrite, APositionOutsideTheCacheIsAnError) {
  Host cache = randomHost(DType::f32, {1, 4, 2});
  Host value = randomHost(DType::f32, {1, 2, 2});
  for (int64_t pos : {-1, 3, 100}) {
    Host p = position(DType::i64, pos);
    Status s = runKernel(cacheWrite(1), {&cache, &value, &p}, {&cache});
    ASSERT_FALSE(s.isOk()) << "position " << pos;
    EXPECT_NE(s.message().find("position " + std::to_string(pos) +
                               " with 2 new tokens lies outside the cache "
                               "of extent 4 along axis 1"),
              std::string::npos)
        << s.message();
  }
}

TEST(CacheWrite, CheckRejectsBadLayouts) {
  auto rejected = [](const fb::CpuKernelT &k, std::vector<TensorDesc> ops,
                     std::vector<TensorDesc> res, const std::string &want) {
    Status s = check(k, ops, res);
    ASSERT_FALSE(s.isOk()) << want;
    EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
  };
  TensorDesc cache{DType::f32, {4, 2}}, value{DType::f32, {1, 2}},
      pos{DType::i64, {}};
  rejected(cacheWrite(0), {cache, value}, {cache}, "expected 3 operands");
  rejected(cacheWrite(0), {{DType::i32, {4, 2}}, value, pos}, {cache},
           "cache has dtype i32");
  rejected(cacheWrite(0), {cache, {DType::f64, {1, 2}}, pos}, {cache},
           "new values has dtype f64");
  rejected(cacheWrite(0), {cache, value, {DType::i64, {1}}}, {cache},
           "position is 1xi64");
  rejected(cacheWrite(0), {cache, value, {DType::f32, {}}}, {cache},
           "position is f32");
  rejected(cacheWrite(2), {cache, value, pos}, {cache}, "cache axis 2");
  rejected(cacheWrite(0), {cache, {DType::f32, {5, 2}}, pos}, {cache},
           "new values 5x2 do not fit the cache 4x2 along axis 0");
  rejected(cacheWrite(0), {cache, {DType::f32, {1, 3}}, pos}, {cache},
           "do not fit");
  rejected(cacheWrite(0), {cache, value, pos}, {{DType::f32, {4, 3}}},
           "result is 4x3xf32");
  // Aliasing: the result may be the cache's buffer, not the new values'.
  std::vector<const TensorDesc *> ops = {&cache, &value, &pos};
  EXPECT_TRUE(
      checkKernel(KernelBuf(cacheWrite(0)).get(), ops, {&cache}).isOk());
  Status s = checkKernel(KernelBuf(cacheWrite(0)).get(), {&value, &value, &pos},
                         {&value});
  EXPECT_FALSE(s.isOk());
  TensorDesc square{DType::f32, {2, 2}};
  s = checkKernel(KernelBuf(cacheWrite(0)).get(), {&square, &square, &pos},
                  {&square});
  EXPECT_NE(s.message().find("result #0 is the buffer of operand #1"),
            std::string::npos)
      << s.message();
}

} // namespace
} // namespace mlc::rt::cpu::test
