// Communicators: argument checks and counters every channel shares, mesh
// groups, the loopback channel of one rank, and the registry.
#include "runtime/Channel.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>

namespace mlc::rt {

uint64_t CollectiveCounters::totalBytes() const {
  uint64_t total = 0;
  for (const CollectiveTally &t : kinds)
    total += t.bytes;
  return total;
}

Channel::Channel(int rank, int size, std::vector<int> worldRanks,
                 std::shared_ptr<CollectiveCounters> counters)
    : rank_(rank), size_(size), worldRanks_(std::move(worldRanks)),
      counters_(counters ? std::move(counters)
                         : std::make_shared<CollectiveCounters>()) {}

Channel::~Channel() = default;

std::string Channel::describeCall(fb::CollectiveKind kind,
                                  uint64_t bytes) const {
  std::string ranks;
  for (size_t i = 0; i < worldRanks_.size(); ++i) {
    if (i == 8) {
      ranks += ", ... (" + std::to_string(worldRanks_.size()) + " ranks)";
      break;
    }
    ranks += (i ? ", " : "") + std::to_string(worldRanks_[i]);
  }
  return std::string(fb::EnumNameCollectiveKind(kind)) + " of " +
         std::to_string(bytes) + " bytes over ranks " + ranks;
}

Status Channel::timedOut(const std::string &what, double waited, double timeout,
                         const std::vector<int> *silent,
                         double rollCallSeconds) const {
  char text[96];
  std::snprintf(text, sizeof text, " waited %.1f s (the timeout is %g s)",
                waited, timeout);
  std::string me = "rank " + std::to_string(worldRanks_[size_t(rank_)]);
  // A group of two has one peer to blame; in a larger one, the ranks that
  // did not answer the roll call are.
  if (size_ == 2)
    return Status::unavailable(what + ": " + me + text + " for rank " +
                               std::to_string(worldRanks_[size_t(1 - rank_)]) +
                               ", the other rank of its group; rank " +
                               std::to_string(worldRanks_[size_t(1 - rank_)]) +
                               " is missing, hung or dead");
  std::string waitedFor =
      what + ": " + me + text + " for the other ranks of its group; ";
  if (!silent)
    return Status::unavailable(waitedFor +
                               "one of them is missing, hung or dead");
  char within[48];
  std::snprintf(within, sizeof within, "within %g s", rollCallSeconds);
  if (silent->empty())
    return Status::unavailable(
        waitedFor + "every rank of the group answered a roll call " + within +
        ", so all are running but did not all reach this collective in "
        "time: one is more than the timeout behind, or the ranks call "
        "collectives in different orders");
  std::string names;
  for (size_t i = 0; i < silent->size(); ++i)
    names +=
        (i ? ", " : "") + std::to_string(worldRanks_[size_t((*silent)[i])]);
  bool one = silent->size() == 1;
  return Status::unavailable(waitedFor + (one ? "rank " : "ranks ") + names +
                             " did not answer a roll call of the group " +
                             within + (one ? ": it is" : ": they are") +
                             " missing, hung or dead");
}

Status Channel::counted(fb::CollectiveKind kind, uint64_t bytes,
                        const std::function<Status()> &call) {
  auto start = std::chrono::steady_clock::now();
  Status s = call();
  CollectiveTally &tally = (*counters_)[kind];
  tally.calls += 1;
  tally.bytes += bytes;
  tally.seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return s;
}

Status Channel::checkReduction(fb::CollectiveKind kind, DType dtype,
                               fb::Reduction reduction) const {
  const char *what = fb::EnumNameCollectiveKind(kind);
  if (static_cast<unsigned>(reduction) >
      static_cast<unsigned>(fb::Reduction::MAX))
    return Status::error(std::string(what) + " with an unknown reduction " +
                         std::to_string(static_cast<int>(reduction)));
  bool isFloat = dtype == DType::f32 || dtype == DType::f64;
  bool isInt = dtype == DType::i32 || dtype == DType::i64;
  if (!isFloat && !isInt)
    return Status::error(std::string(what) + " cannot reduce " +
                         dtypeName(dtype) +
                         " elements (it reduces f32, f64, i32 and i64)");
  if (reduction == fb::Reduction::mean && !isFloat)
    return Status::error(std::string(what) +
                         " takes the mean of floats only, "
                         "not of " +
                         dtypeName(dtype));
  return Status::ok();
}

Status Channel::checkPeer(const char *what, int peer) const {
  if (peer < 0 || peer >= size_)
    return Status::error(std::string(what) + " names rank " +
                         std::to_string(peer) + " of a group of " +
                         std::to_string(size_));
  return Status::ok();
}

StatusOr<std::unique_ptr<Channel>> Channel::split(int color, int key) {
  if (color < 0)
    return Status::error("a channel split needs a color >= 0, found " +
                         std::to_string(color));
  return splitGroup(color, key);
}

Status Channel::allReduce(const void *input, void *output, size_t count,
                          DType dtype, fb::Reduction reduction) {
  MLC_RETURN_IF_ERROR(
      checkReduction(fb::CollectiveKind::all_reduce, dtype, reduction));
  return counted(fb::CollectiveKind::all_reduce, count * dtypeSize(dtype), [&] {
    return doAllReduce(input, output, count, dtype, reduction);
  });
}

Status Channel::reduceScatter(const void *input, void *output,
                              size_t outputCount, DType dtype,
                              fb::Reduction reduction) {
  MLC_RETURN_IF_ERROR(
      checkReduction(fb::CollectiveKind::reduce_scatter, dtype, reduction));
  if (input == output && size_ > 1)
    return Status::error("reduce_scatter cannot write over its input");
  uint64_t bytes = uint64_t(size_) * outputCount * dtypeSize(dtype);
  return counted(fb::CollectiveKind::reduce_scatter, bytes, [&] {
    return doReduceScatter(input, output, outputCount, dtype, reduction);
  });
}

Status Channel::allGather(const void *input, void *output, size_t inputCount,
                          DType dtype) {
  if (!isKnownDType(dtype))
    return Status::error("all_gather of an unknown dtype");
  if (input == output && size_ > 1)
    return Status::error("all_gather cannot write over its input");
  return counted(fb::CollectiveKind::all_gather, inputCount * dtypeSize(dtype),
                 [&] { return doAllGather(input, output, inputCount, dtype); });
}

Status Channel::broadcast(void *data, size_t count, DType dtype, int root) {
  if (!isKnownDType(dtype))
    return Status::error("broadcast of an unknown dtype");
  MLC_RETURN_IF_ERROR(checkPeer("broadcast", root));
  return counted(fb::CollectiveKind::broadcast, count * dtypeSize(dtype),
                 [&] { return doBroadcast(data, count, dtype, root); });
}

Status Channel::send(const void *data, size_t bytes, int peer) {
  MLC_RETURN_IF_ERROR(checkPeer("send", peer));
  return counted(fb::CollectiveKind::send, bytes,
                 [&] { return doSend(data, bytes, peer); });
}

Status Channel::recv(void *data, size_t bytes, int peer) {
  MLC_RETURN_IF_ERROR(checkPeer("recv", peer));
  return counted(fb::CollectiveKind::recv, bytes,
                 [&] { return doRecv(data, bytes, peer); });
}

Status Channel::barrier() { return doBarrier(); }

MeshGroup meshGroup(const std::vector<uint32_t> &sizes,
                    const std::vector<uint32_t> &axes, int rank) {
  // Coordinates, row-major: the last axis varies fastest.
  std::vector<int> coords(sizes.size());
  int rest = rank;
  for (size_t a = sizes.size(); a-- > 0;) {
    coords[a] = rest % static_cast<int>(sizes[a]);
    rest /= static_cast<int>(sizes[a]);
  }
  MeshGroup group;
  std::vector<bool> inGroup(sizes.size(), false);
  for (uint32_t a : axes)
    inGroup[a] = true;
  for (size_t a = 0; a < sizes.size(); ++a) {
    int extent = static_cast<int>(sizes[a]);
    if (inGroup[a]) {
      group.position = group.position * extent + coords[a];
      group.size *= extent;
    } else {
      group.color = group.color * extent + coords[a];
    }
  }
  return group;
}

StatusOr<std::unique_ptr<Channel>>
splitMeshGroup(Channel &world, const std::vector<uint32_t> &sizes,
               const std::vector<uint32_t> &axes) {
  MeshGroup group = meshGroup(sizes, axes, world.rank());
  StatusOr<std::unique_ptr<Channel>> channel =
      world.split(group.color, group.position);
  if (!channel.isOk())
    return channel.status();
  if ((*channel)->size() != group.size || (*channel)->rank() != group.position)
    return Status::internal(
        "the group of rank " + std::to_string(world.rank()) + " has " +
        std::to_string((*channel)->size()) + " ranks and puts it at " +
        std::to_string((*channel)->rank()) + "; the mesh says " +
        std::to_string(group.size) + " and " + std::to_string(group.position));
  return channel;
}

namespace {

/// Rank 0 of a group of one: every collective is a copy (or nothing), and
/// sends wait in a queue for the recv that takes them.
class LoopbackChannel final : public Channel {
public:
  explicit LoopbackChannel(std::shared_ptr<CollectiveCounters> counters)
      : Channel(0, 1, {0}, std::move(counters)) {}

  const char *name() const override { return "loopback"; }
  const char *deviceName() const override { return "cpu"; }

protected:
  StatusOr<std::unique_ptr<Channel>> splitGroup(int, int) override {
    return std::unique_ptr<Channel>(new LoopbackChannel(sharedCounters()));
  }
  Status doAllReduce(const void *input, void *output, size_t count, DType dtype,
                     fb::Reduction) override {
    return copy(input, output, count * dtypeSize(dtype));
  }
  Status doReduceScatter(const void *input, void *output, size_t outputCount,
                         DType dtype, fb::Reduction) override {
    return copy(input, output, outputCount * dtypeSize(dtype));
  }
  Status doAllGather(const void *input, void *output, size_t inputCount,
                     DType dtype) override {
    return copy(input, output, inputCount * dtypeSize(dtype));
  }
  Status doBroadcast(void *, size_t, DType, int) override {
    return Status::ok();
  }
  Status doSend(const void *data, size_t bytes, int) override {
    const uint8_t *p = static_cast<const uint8_t *>(data);
    std::vector<uint8_t> message;
    MLC_RETURN_IF_ERROR(resizeOrFail(message, bytes, "a message to self"));
    if (bytes)
      std::memcpy(message.data(), p, bytes);
    pending_.push_back(std::move(message));
    return Status::ok();
  }
  Status doRecv(void *data, size_t bytes, int) override {
    if (pending_.empty())
      return Status::error("recv of " + std::to_string(bytes) +
                           " bytes from rank 0 (itself), which sent nothing; "
                           "it would wait forever");
    std::vector<uint8_t> message = std::move(pending_.front());
    pending_.pop_front();
    if (message.size() != bytes)
      return Status::error("recv of " + std::to_string(bytes) +
                           " bytes got a message of " +
                           std::to_string(message.size()));
    if (bytes)
      std::memcpy(data, message.data(), bytes);
    return Status::ok();
  }
  Status doBarrier() override { return Status::ok(); }

private:
  static Status copy(const void *input, void *output, size_t bytes) {
    if (input != output && bytes)
      std::memmove(output, input, bytes);
    return Status::ok();
  }

  std::deque<std::vector<uint8_t>> pending_;
};

} // namespace

std::unique_ptr<Channel> createLoopbackChannel() {
  return std::unique_ptr<Channel>(new LoopbackChannel(nullptr));
}

} // namespace mlc::rt
