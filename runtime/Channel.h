// Communicators: how the ranks of a mesh exchange data. A session is given
// one (a Channel): loopback for one rank, MPI between processes, NCCL
// between GPUs. Each counts what it is handed, per collective kind.
#ifndef MLC_RUNTIME_CHANNEL_H
#define MLC_RUNTIME_CHANNEL_H

#include "runtime/Registry.h"
#include "runtime/Status.h"
#include "runtime/Tensor.h"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlc::rt {

inline constexpr size_t kNumCollectiveKinds =
    static_cast<size_t>(fb::CollectiveKind::MAX) + 1;

/// What one rank handed to one kind of collective.
struct CollectiveTally {
  uint64_t calls = 0;
  uint64_t bytes = 0;
  double seconds = 0; // waiting included
};

/// Per collective kind, the payload this rank handed to its channel: the
/// bytes of its input for all-reduce, reduce-scatter and all-gather, of
/// the buffer for broadcast (on every rank, root or not), of the message
/// for send and recv. Counted as the calls are made, not from formulas.
struct CollectiveCounters {
  std::array<CollectiveTally, kNumCollectiveKinds> kinds{};

  CollectiveTally &operator[](fb::CollectiveKind kind) {
    return kinds[static_cast<size_t>(kind)];
  }
  const CollectiveTally &operator[](fb::CollectiveKind kind) const {
    return kinds[static_cast<size_t>(kind)];
  }
  uint64_t totalBytes() const;
};

struct ChannelOptions {
  /// Seconds one collective waits for the other ranks of its group before
  /// it fails, naming them (a rank that hung or died); 0 waits forever.
  double timeoutSeconds = 30;
};

/// One rank's end of a group of ranks. Collectives are blocking: when one
/// returns, its output is complete and its input may be reused. Every rank
/// of the group makes the same calls in the same order (each runs the same
/// program). Buffers are in the memory of deviceName()'s device. Errors
/// (a missing peer, a timeout, a failure of the transport) are Status
/// values naming the call, never a hang past the timeout or a crash.
class Channel {
public:
  virtual ~Channel();
  Channel(const Channel &) = delete;
  Channel &operator=(const Channel &) = delete;

  /// "loopback", "mpi", "nccl".
  virtual const char *name() const = 0;
  /// The device whose memory collectives read and write ("cpu" for host
  /// memory, "cuda").
  virtual const char *deviceName() const = 0;
  /// This rank's position in the group, and the group's size.
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// The ranks of which this channel is one, in world ranks (for messages).
  const std::vector<int> &worldRanks() const { return worldRanks_; }

  /// The ranks of this group that pass the same `color`, ordered by `key`,
  /// as a group of their own. Every rank of this group calls it, in the
  /// same order as its collectives. The new channel counts into this one's
  /// counters.
  StatusOr<std::unique_ptr<Channel>> split(int color, int key);

  /// `output` (count elements) = the reduction over the group of every
  /// rank's `input`; input == output reduces in place. Mean is the sum
  /// divided by size(), on floats only.
  Status allReduce(const void *input, void *output, size_t count, DType dtype,
                   fb::Reduction reduction);
  /// `output` (outputCount elements) = part rank() of the reduction of the
  /// inputs of size() x outputCount elements.
  Status reduceScatter(const void *input, void *output, size_t outputCount,
                       DType dtype, fb::Reduction reduction);
  /// `output` (size() x inputCount elements) = every rank's input, in rank
  /// order.
  Status allGather(const void *input, void *output, size_t inputCount,
                   DType dtype);
  /// `data` on every rank = `data` of rank `root`.
  Status broadcast(void *data, size_t count, DType dtype, int root);
  /// A message to rank `peer` of the group, which receives it with recv().
  /// A transport may return before the receiver takes it (keeping a copy):
  /// flushSends() waits until every message sent has been taken.
  Status send(const void *data, size_t bytes, int peer);
  Status flushSends() { return doFlushSends(); }
  Status recv(void *data, size_t bytes, int peer);
  /// Returns when every rank of the group has called it.
  Status barrier();

  /// What this rank handed to collectives of this channel and of the
  /// groups split from it.
  const CollectiveCounters &counters() const { return *counters_; }

protected:
  /// `counters` is shared with the channel this one was split from (a new
  /// block when null).
  Channel(int rank, int size, std::vector<int> worldRanks,
          std::shared_ptr<CollectiveCounters> counters = nullptr);
  std::shared_ptr<CollectiveCounters> sharedCounters() const {
    return counters_;
  }
  /// "all_reduce of 4096 bytes over ranks 0, 1", for messages.
  std::string describeCall(fb::CollectiveKind kind, uint64_t bytes) const;
  /// The error of call `what` that gave up after `waited` seconds. In a
  /// group of more than two, `silent` (when known) holds the positions of
  /// the ranks that did not answer a roll call after the timeout.
  Status timedOut(const std::string &what, double waited, double timeout,
                  const std::vector<int> *silent = nullptr,
                  double rollCallSeconds = 0) const;

  // The transport; arguments are checked (counts, dtypes, ranks) before
  // these are called.
  virtual StatusOr<std::unique_ptr<Channel>> splitGroup(int color, int key) = 0;
  virtual Status doAllReduce(const void *input, void *output, size_t count,
                             DType dtype, fb::Reduction reduction) = 0;
  virtual Status doReduceScatter(const void *input, void *output,
                                 size_t outputCount, DType dtype,
                                 fb::Reduction reduction) = 0;
  virtual Status doAllGather(const void *input, void *output, size_t inputCount,
                             DType dtype) = 0;
  virtual Status doBroadcast(void *data, size_t count, DType dtype,
                             int root) = 0;
  virtual Status doSend(const void *data, size_t bytes, int peer) = 0;
  virtual Status doRecv(void *data, size_t bytes, int peer) = 0;
  virtual Status doBarrier() = 0;
  virtual Status doFlushSends() { return Status::ok(); }

private:
  /// Counts a call and its time around `call`.
  Status counted(fb::CollectiveKind kind, uint64_t bytes,
                 const std::function<Status()> &call);
  Status checkReduction(fb::CollectiveKind kind, DType dtype,
                        fb::Reduction reduction) const;
  Status checkPeer(const char *what, int peer) const;

  int rank_, size_;
  std::vector<int> worldRanks_;
  std::shared_ptr<CollectiveCounters> counters_;
};

/// Where a rank sits in the group of a collective over some mesh axes.
struct MeshGroup {
  /// Ranks with equal colors are in one group: the linear index of the
  /// rank's coordinates on the axes outside the group.
  int color = 0;
  /// The rank's position in its group: row-major over the group's axes.
  int position = 0;
  /// Ranks in the group: the product of the group's axes' sizes.
  int size = 1;
};

/// The group of `rank` (row-major in a mesh of axes `sizes`) over `axes`
/// (indices into `sizes`, increasing; checked by the caller).
MeshGroup meshGroup(const std::vector<uint32_t> &sizes,
                    const std::vector<uint32_t> &axes, int rank);

/// A channel for the group over `axes` of a mesh, split from `world` (a
/// channel of every rank of the mesh, rank() = the mesh rank).
StatusOr<std::unique_ptr<Channel>>
splitMeshGroup(Channel &world, const std::vector<uint32_t> &sizes,
               const std::vector<uint32_t> &axes);

/// The channel of a process that runs alone: rank 0 of 1. Collectives copy
/// their input to their output; a send is kept for the matching recv.
std::unique_ptr<Channel> createLoopbackChannel();

/// The communicators a process can create, by name; create() makes the
/// channel of every rank of the job (its world).
class ChannelRegistry : public Registry<Channel, ChannelOptions> {
public:
  ChannelRegistry() : Registry("communicator") {}
};
using ChannelFactory = ChannelRegistry::Factory;

/// Registers the communicators this build has: loopback always, mpi where
/// MPI was found, nccl where the CUDA toolkit and NCCL were too.
void registerBuiltinChannels(ChannelRegistry &registry);

} // namespace mlc::rt

#endif // MLC_RUNTIME_CHANNEL_H
