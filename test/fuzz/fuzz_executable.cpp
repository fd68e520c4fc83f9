// libFuzzer target: arbitrary bytes through the executable loader, the
// per-command checks of session creation, and a run of every entry point.
// Any crash, sanitizer report or hang is a bug; errors are the expected way
// out.
#include "runtime/Arenas.h"
#include "runtime/Executable.h"
#include "runtime/Session.h"

#include <cstdint>
#include <vector>

using namespace mlc::rt;

namespace {
/// Executables whose arenas need more than this are not run (a crafted file
/// may legitimately ask for a lot of memory; that is not a crash).
constexpr uint64_t kMaxBytes = 64u << 20;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto exe =
      Executable::loadBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!exe.isOk())
    return 0;
  if (plannedBytes((*exe)->program(0)) > kMaxBytes)
    return 0;
  DeviceRegistry devices;
  registerBuiltinDevices(devices);
  auto device =
      devices.create((*exe)->program(0).target()->str(), DeviceOptions{1});
  if (!device.isOk())
    return 0;
  std::shared_ptr<const Executable> shared(std::move(exe).value());
  auto session = Session::create(shared, 0, std::move(device).value());
  if (!session.isOk())
    return 0;
  if (!(*session)->initialize(1).isOk())
    return 0;
  for (const mlc::fb::EntryPoint *e : *shared->program(0).entry_points()) {
    auto entry = (*session)->entry(e->name()->str());
    if (entry.isOk())
      (void)(*session)->run(**entry);
  }
  return 0;
}
