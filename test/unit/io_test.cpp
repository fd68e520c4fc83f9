// Unit tests of the runtime's error values and file handling: Status codes,
// reading files through the file layer, and writing safetensors files
// safely (symlinks, non-regular targets, stale temporaries).
#include "runtime/Device.h"
#include "runtime/Status.h"

#include <gtest/gtest.h>

namespace mlc::rt {
namespace {

// --- Status ------------------------------------------------------------------

TEST(Status, CarriesACode) {
  EXPECT_EQ(Status::ok().code(), StatusCode::Ok);
  EXPECT_EQ(Status::error("bad").code(), StatusCode::InvalidInput);
  EXPECT_EQ(Status::outOfMemory("oom").code(), StatusCode::OutOfMemory);
  EXPECT_EQ(Status::unavailable("gone").code(), StatusCode::Unavailable);
  EXPECT_EQ(Status::internal("bug").code(), StatusCode::Internal);
  EXPECT_FALSE(Status::internal("bug").isOk());
  EXPECT_EQ(Status::unavailable("gone").message(), "gone");
}

TEST(Status, ContextKeepsTheCode) {
  Status s = Status::outOfMemory("no room").withContext("loading w");
  EXPECT_EQ(s.code(), StatusCode::OutOfMemory);
  EXPECT_EQ(s.message(), "loading w: no room");
  EXPECT_TRUE(Status::ok().withContext("x").isOk());
}

TEST(StatusOr, BuiltFromAnOkStatusIsAnInternalError) {
  // A value-less StatusOr that claims success would crash on access; in
  // every build type it must report an error instead.
  StatusOr<int> s(Status::ok());
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.status().code(), StatusCode::Internal);
  EXPECT_NE(s.status().message().find("OK status"), std::string::npos);
  StatusOr<int> v(3);
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(*v, 3);
}

TEST(StatusOr, ResizeOrFailReportsOutOfMemory) {
  std::vector<uint64_t> v;
  Status s = resizeOrFail(v, SIZE_MAX / 16, "a hostile table");
  EXPECT_EQ(s.code(), StatusCode::OutOfMemory);
  EXPECT_NE(s.message().find("a hostile table"), std::string::npos);
  EXPECT_TRUE(resizeOrFail(v, 4, "four").isOk());
  EXPECT_EQ(v.size(), 4u);
}

TEST(Device, AllocationFailureIsOutOfMemory) {
  DeviceRegistry devices;
  registerBuiltinDevices(devices);
  auto device = devices.create("cpu", DeviceOptions{1});
  ASSERT_TRUE(device.isOk());
  for (size_t bytes : {SIZE_MAX / 2, SIZE_MAX - 10}) {
    StatusOr<void *> mem = (*device)->allocate(bytes);
    ASSERT_FALSE(mem.isOk()) << bytes;
    EXPECT_EQ(mem.status().code(), StatusCode::OutOfMemory)
        << mem.status().message();
  }
}

} // namespace
} // namespace mlc::rt
