// A session: one rank's buffers on a device, ready to run entry points.
#ifndef MLC_RUNTIME_SESSION_H
#define MLC_RUNTIME_SESSION_H

#include "runtime/Channel.h"
#include "runtime/CommThread.h"
#include "runtime/Device.h"
#include "runtime/Executable.h"
#include "runtime/Trace.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlc::rt {

/// A named buffer of an entry point (an input it reads or an output it
/// reports).
struct BoundBuffer {
  std::string name;
  uint32_t buffer;
  const TensorDesc *desc;
  /// An input that is a batch of token windows (see fb::Binding): each row
  /// starts `shift` tokens after its window's start; ids lie in [0, vocab).
  bool tokenWindow = false;
  uint64_t shift = 0, vocab = 0;
  /// Prefill and decode: the scalar input holding the absolute position of
  /// the call's first token. Token ids of prefill/decode have a vocab but
  /// are no window.
  bool position = false;
};

/// Time spent in one command of an entry point (Session::setProfiling).
struct CommandProfile {
  std::string kernel;                 // the kernel's name, "k12_matmul"
  std::string kind;                   // "matmul", "fused", ...
  std::vector<std::string> fusedOps;  // the source ops it computes
  uint64_t bytes = 0;                 // operand + result bytes of one call
  uint64_t resultBytes = 0;           // result bytes of one call
  double seconds = 0;                 // summed over every profiled call
  /// Kernel regions: what they wrote, summed over every profiled call.
  bool region = false;
  RegionWrites written;
};

/// One entry point with every command bound to its buffers.
class Entry {
public:
  const std::string &name() const { return name_; }
  const std::vector<BoundBuffer> &inputs() const { return inputs_; }
  const std::vector<BoundBuffer> &outputs() const { return outputs_; }
  /// Leading dimension of the inputs (samples per call); 0 without inputs.
  uint64_t batchSize() const { return batchSize_; }
  /// The ranks the batch is split over (its mesh axes' sizes multiplied;
  /// 1 when every rank reads the whole batch), and this rank's block: its
  /// inputs are rows [batchShard() * B, (batchShard() + 1) * B) of a global
  /// batch of batchShards() * B rows (B = batchSize()).
  uint64_t batchShards() const { return batchShards_; }
  uint64_t batchShard() const { return batchShard_; }
  uint64_t flops() const { return flops_; }
  /// Prefill and decode: the tokens the KV caches hold; 0 when unknown.
  uint64_t context() const { return context_; }
  /// What the entry point is for (train step, eval, ...).
  fb::EntryKind kind() const { return kind_; }
  /// Apply entry points: the accumulate calls one call averages; else 0.
  uint64_t microBatches() const { return microBatches_; }
  /// Whether the inputs are token windows (the loader checked that then all
  /// of them are) rather than rows of a data set.
  bool takesTokenWindows() const {
    return !inputs_.empty() && inputs_[0].tokenWindow;
  }
  /// Per-command times of the calls made while profiling was on.
  const std::vector<CommandProfile> &profile() const { return profile_; }
  /// Calls made while profiling was on.
  uint64_t profiledCalls() const { return profiledCalls_; }
  /// For each command, the last collective (counting the entry point's
  /// collectives from 0) that must be complete before it runs when
  /// collectives overlap, or -1.
  const std::vector<int64_t> &collectiveWaits() const { return waitFor_; }

private:
  friend class Session;
  std::string name_;
  std::vector<BoundBuffer> inputs_, outputs_;
  std::vector<std::unique_ptr<PreparedCommand>> commands_;
  std::vector<std::string> commandNames_;
  /// The commands that are collectives, in order; for each command, the
  /// last of them (an index into collectives_) that must be complete
  /// before it runs when collectives overlap the commands after them
  /// (Session::setOverlap), or -1. A command waits for a collective whose
  /// bytes it reads or writes (a result it reads, an operand's bytes the
  /// memory plan gives it); the thread runs them in order, so waiting for
  /// one waits for those before it.
  std::vector<uint32_t> collectives_;
  std::vector<bool> isCollective_;
  std::vector<int64_t> waitFor_;
  /// Each command's operand shapes, to place a problem's index.
  std::vector<std::vector<std::vector<int64_t>>> operandShapes_;
  /// The first command that writes state (a parameter, optimizer state,
  /// accumulator or cache): the status word is read before it runs.
  size_t firstStateWrite_ = 0;
  std::vector<CommandProfile> profile_;
  uint64_t profiledCalls_ = 0;
  uint64_t batchSize_ = 0, flops_ = 0, microBatches_ = 0, context_ = 0;
  uint64_t batchShards_ = 1, batchShard_ = 0;
  fb::EntryKind kind_ = fb::EntryKind::other;
};

class Session {
public:
  /// Allocates the arenas of the program of `rank` on `device` (one block
  /// each; buffers are slices of them), copies constants and checks every
  /// command of every entry point against the device, so that nothing
  /// fails half-way through a step for a reason known now. Collectives run
  /// on groups split from `world`, a channel of every rank of the mesh
  /// (rank() == `rank`, size() == the mesh's ranks), which must outlive the
  /// session; every rank creates its session in the same order, since
  /// splitting is collective. Without one, a one-rank executable gets a
  /// loopback channel and a larger mesh is an error.
  static StatusOr<std::unique_ptr<Session>>
  create(std::shared_ptr<const Executable> executable, size_t rank,
         std::unique_ptr<Device> device, Channel *world = nullptr);
  ~Session();
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;

  /// Fills every parameter and optimizer state from its initializer. The
  /// values depend only on `seed` and each buffer's name.
  Status initialize(uint64_t seed);
  /// Sets every KV cache to zero, as at load (before a new sequence).
  Status clearCaches();

  const Executable &executable() const { return *executable_; }
  const fb::Program &program() const { return *program_; }
  Device &device() { return *device_; }
  /// The mesh rank this session runs.
  size_t rank() const { return rank_; }
  /// The channel of every rank of the mesh (the loopback for one rank).
  Channel &world() { return *world_; }

  size_t numBuffers() const { return descs_.size(); }
  const TensorDesc &desc(uint32_t buffer) const { return descs_[buffer]; }
  const fb::Buffer &bufferDef(uint32_t buffer) const {
    return *program_->buffers()->Get(buffer);
  }
  const std::string &bufferName(uint32_t buffer) const {
    return names_[buffer];
  }
  /// Index of the buffer named `name`, or -1.
  int64_t findBuffer(const std::string &name) const;

  /// Copies host data into / out of a buffer; `bytes` must be its size.
  Status write(uint32_t buffer, const void *data, size_t bytes);
  Status read(uint32_t buffer, void *data, size_t bytes) const;

  /// Sharded state (fb::Shard: a parameter or optimizer state of which
  /// this rank holds a piece). The whole tensor's dtype and shape: the
  /// buffer's own for one that is not sharded.
  TensorDesc wholeDesc(uint32_t buffer) const;
  /// Whether any buffer is sharded: then saving state is collective.
  bool hasShardedState() const;
  /// Writes this rank's piece of `whole` (wholeDesc's bytes) into `buffer`;
  /// for a buffer that is not sharded, write().
  Status writeWhole(uint32_t buffer, const void *whole, size_t bytes);
  /// The whole tensor of `buffer`. For a sharded buffer this gathers every
  /// rank's piece: collective, so every rank calls it for the same buffers
  /// in the same order, between calls of entry points.
  Status readWhole(uint32_t buffer, std::vector<uint8_t> &whole);
  /// What gathering sharded state (checkpoints) handed to the world
  /// channel: counted there too, and apart here, so that the steps'
  /// traffic is the channel's counters less this.
  const CollectiveCounters &stateTraffic() const { return stateTraffic_; }

  /// The entry point `name`, or an error listing those that exist.
  StatusOr<Entry *> entry(const std::string &name);
  /// Every entry point, in name order.
  std::vector<const Entry *> entries() const {
    std::vector<const Entry *> all;
    for (const auto &e : entries_)
      all.push_back(e.second.get());
    return all;
  }
  /// The first entry point of `kind`, or an error saying there is none.
  StatusOr<Entry *> entryOfKind(fb::EntryKind kind);
  /// Runs every command of `entry` in order. Bad data a kernel finds (a
  /// label outside the classes, an id outside its table, a non-finite
  /// loss) is read from the device's status word before the first command
  /// that writes state and after the last, and fails the call naming the
  /// command: a step that fails this way has changed no parameter,
  /// optimizer state, accumulator or cache. A non-finite loss fails only
  /// an entry point that writes state (an eval reports its loss as is).
  Status run(Entry &entry);
  /// What the last failed run() found in the status word; none when it
  /// failed for another reason or did not fail.
  DataProblem lastProblem() const { return lastProblem_; }
  /// Times every command of later calls (Entry::profile); off by default,
  /// since reading the clock around each command costs a little.
  void setProfiling(bool on) { profiling_ = on; }
  /// Whether collectives run on a communication thread while the device
  /// runs the commands after them (on by default). A command waits only
  /// for the collectives whose bytes it touches, so results are those of
  /// running in order; off, each collective blocks where it stands.
  void setOverlap(bool on) { overlap_ = on; }
  bool overlap() const { return overlap_; }
  /// Records every later call and its commands in `trace` (null: none),
  /// which must outlive the calls: compute commands and the waits for
  /// collectives on the compute track, collectives on the communication
  /// track (the communication thread's, when they overlap).
  void setTrace(Trace *trace) { trace_ = trace; }
  /// Seconds run() spent blocked on collectives: running them itself
  /// without overlap, waiting for the communication thread with it. This
  /// is what communication adds to a step; the channel's counters also
  /// hold the time the thread spent while the device computed.
  double collectiveWaitSeconds() const { return collectiveWaitSeconds_; }

private:
  Session() = default;
  Status prepareEntries();
  /// Binds a command to its buffers, checked by the device, and records
  /// its profile entry; `where` names it in errors and gains its kernel.
  StatusOr<std::unique_ptr<PreparedCommand>>
  prepareDispatch(const fb::Dispatch &dispatch,
                  std::vector<CommandProfile> &profiles, std::string &where,
                  uint32_t index);
  StatusOr<std::unique_ptr<PreparedCommand>>
  prepareCopy(const fb::Copy &copy, std::vector<CommandProfile> &profiles,
              std::string &where);
  /// Binds a collective to its buffers and to the channel of its group.
  StatusOr<std::unique_ptr<PreparedCommand>>
  prepareCollective(const fb::Collective &collective,
                    std::vector<CommandProfile> &profiles, std::string &where);
  /// Splits the world into the groups the executable's collectives run
  /// over (of every program, in one order on every rank).
  Status createGroups(Channel &world);
  /// Waits until every channel's sends have been taken by their receivers.
  Status flushSends();
  /// Fills constant `buffer` from the executable (splats expanded).
  Status writeConstant(uint32_t buffer);

  std::shared_ptr<const Executable> executable_;
  const fb::Program *program_ = nullptr;
  std::unique_ptr<Device> device_;
  std::vector<TensorDesc> descs_;
  std::vector<std::string> names_;
  /// One block per arena of the program (null for an empty arena), and
  /// each buffer's place in its block.
  std::vector<void *> arenas_;
  std::vector<void *> memory_;
  std::map<std::string, uint32_t> byName_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
  /// The rank this session runs, and a channel per set of mesh axes its
  /// collectives run over.
  size_t rank_ = 0;
  std::unique_ptr<Channel> loopback_;
  /// The channel of every rank (the loopback for one rank).
  Channel *world_ = nullptr;
  CollectiveCounters stateTraffic_;
  std::map<std::vector<uint32_t>, std::unique_ptr<Channel>> groups_;
  /// The device's status word (runtime/DataStatus.h), in its memory.
  StatusWord *statusWord_ = nullptr;
  DataProblem lastProblem_ = DataProblem::none;
  bool profiling_ = false;
  bool overlap_ = true;
  Trace *trace_ = nullptr;
  double collectiveWaitSeconds_ = 0;
  /// Runs collectives when they overlap; started by the first run that
  /// has any. Stopped first on destruction (it uses the channels).
  std::unique_ptr<CommThread> commThread_;

  /// Reads the status word; an error naming the problem and its command
  /// when a kernel recorded one (and clears it).
  Status checkStatusWord(const Entry &entry, bool stateFollows);
  /// Finds, for each collective of `entry`, the first later command that
  /// touches its bytes (Entry::waitFor_).
  void planCollectiveWaits(Entry &entry, const fb::EntryPoint &def);
  /// run() without the call's trace slice.
  Status runCommands(Entry &entry);
  /// run() with collectives on the communication thread.
  Status runOverlapped(Entry &entry);
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_SESSION_H
