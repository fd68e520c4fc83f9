// The MPI communicator. Collectives are MPI's non-blocking ones, waited on
// with a deadline, so that a rank whose peer hung or died fails with a
// message instead of waiting forever; errors are returned, not fatal.
#include "runtime/mpi/MpiChannel.h"

// MPI's C API only: the C++ bindings (deprecated, removed in MPI 3) would
// need their own library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <thread>

namespace mlc::rt::mpi {

namespace {

/// The text of an MPI error code.
std::string mpiError(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS)
    return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<size_t>(length));
}

/// Finalizes MPI at a normal exit. A process that fails leaves through
/// _Exit without it: MPI_Finalize waits for every rank, and a rank that
/// hung would hold the others there.
void finalizeAtExit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Finalize();
}

/// MPI is initialized once per process (a second MPI_Init is an error and
/// there is no re-initialization after MPI_Finalize): the first channel
/// does it, for the life of the process.
Status initializeMpi() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized)
    return Status::ok();
  int provided = 0;
  int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
  if (rc != MPI_SUCCESS)
    return Status::unavailable("MPI_Init_thread failed: " + mpiError(rc));
  std::atexit(finalizeAtExit);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  return Status::ok();
}

/// The MPI datatype of a dtype's elements; floats and integers reduce, the
/// others (i1, bf16, f16) only move as bytes of their width.
MPI_Datatype mpiType(DType dtype) {
  switch (dtype) {
  case DType::f32:
    return MPI_FLOAT;
  case DType::f64:
    return MPI_DOUBLE;
  case DType::i32:
    return MPI_INT32_T;
  case DType::i64:
    return MPI_INT64_T;
  case DType::bf16:
  case DType::f16:
    return MPI_UINT16_T;
  case DType::i1:
    return MPI_UINT8_T;
  }
  return MPI_DATATYPE_NULL;
}

MPI_Op mpiOp(fb::Reduction reduction) {
  switch (reduction) {
  case fb::Reduction::sum:
  case fb::Reduction::mean: // the sum, divided afterwards
    return MPI_SUM;
  case fb::Reduction::max:
    return MPI_MAX;
  case fb::Reduction::min:
    return MPI_MIN;
  }
  return MPI_OP_NULL;
}

/// Divides `count` floats by `n` (the mean of an all-reduce).
void divideBy(void *data, size_t count, DType dtype, int n) {
  if (dtype == DType::f32) {
    float *p = static_cast<float *>(data);
    for (size_t i = 0; i < count; ++i)
      p[i] /= static_cast<float>(n);
  } else if (dtype == DType::f64) {
    double *p = static_cast<double *>(data);
    for (size_t i = 0; i < count; ++i)
      p[i] /= static_cast<double>(n);
  }
}

/// Elements one MPI call moves at most (MPI counts are ints).
constexpr size_t kMaxCount = size_t(1) << 30;

/// MPI calls that move `count` elements: at least one (a message may be
/// empty).
size_t chunksOf(size_t count) {
  return count == 0 ? 1 : (count + kMaxCount - 1) / kMaxCount;
}

class MpiChannel final : public Channel {
public:
  MpiChannel(MPI_Comm comm, int rank, int size, std::vector<int> worldRanks,
             const ChannelOptions &options,
             std::shared_ptr<CollectiveCounters> counters)
      : Channel(rank, size, std::move(worldRanks), std::move(counters)),
        comm_(comm), options_(options) {}

  ~MpiChannel() override {
    // Sends no receiver took (a run that failed): MPI may still read their
    // bytes, which therefore outlive the channel.
    if (!pendingSends_.empty())
      new std::deque<PendingSend>(std::move(pendingSends_));
    int finalized = 0;
    MPI_Finalized(&finalized);
    // A call that timed out left its request pending on the communicator:
    // freeing it would let MPI's progress engine touch freed memory.
    if (comm_ != MPI_COMM_WORLD && comm_ != MPI_COMM_NULL && !finalized &&
        !abandoned_)
      MPI_Comm_free(&comm_);
  }

  const char *name() const override { return "mpi"; }
  const char *deviceName() const override { return "cpu"; }

  static StatusOr<std::unique_ptr<Channel>>
  world(const ChannelOptions &options) {
    int rank = 0, size = 0;
    int rc = MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rc == MPI_SUCCESS)
      rc = MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (rc != MPI_SUCCESS)
      return Status::unavailable("MPI_COMM_WORLD: " + mpiError(rc));
    std::vector<int> ranks(static_cast<size_t>(size));
    for (int r = 0; r < size; ++r)
      ranks[static_cast<size_t>(r)] = r;
    return std::unique_ptr<Channel>(new MpiChannel(
        MPI_COMM_WORLD, rank, size, std::move(ranks), options, nullptr));
  }

protected:
  StatusOr<std::unique_ptr<Channel>> splitGroup(int color, int key) override {
    MPI_Comm comm = MPI_COMM_NULL;
    int rc = MPI_Comm_split(comm_, color, key, &comm);
    if (rc != MPI_SUCCESS)
      return fail("MPI_Comm_split", rc);
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    int rank = 0, size = 0;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    // The world rank of each member, for messages.
    int me = worldRanks()[static_cast<size_t>(this->rank())];
    std::vector<int> ranks(static_cast<size_t>(size));
    rc = MPI_Allgather(&me, 1, MPI_INT, ranks.data(), 1, MPI_INT, comm);
    if (rc != MPI_SUCCESS) {
      MPI_Comm_free(&comm);
      return fail("MPI_Allgather", rc);
    }
    return std::unique_ptr<Channel>(new MpiChannel(
        comm, rank, size, std::move(ranks), options_, sharedCounters()));
  }

  Status doAllReduce(const void *input, void *output, size_t count, DType dtype,
                     fb::Reduction reduction) override {
    MLC_RETURN_IF_ERROR(usable());
    uint64_t bytes = count * dtypeSize(dtype);
    size_t element = dtypeSize(dtype);
    for (size_t done = 0; done < count; done += kMaxCount) {
      int n = static_cast<int>(std::min(kMaxCount, count - done));
      const void *in = input == output ? MPI_IN_PLACE
                                       : static_cast<const uint8_t *>(input) +
                                             done * element;
      void *out = static_cast<uint8_t *>(output) + done * element;
      MPI_Request request;
      int rc = MPI_Iallreduce(in, out, n, mpiType(dtype), mpiOp(reduction),
                              comm_, &request);
      MLC_RETURN_IF_ERROR(wait(rc, request, fb::CollectiveKind::all_reduce,
                               bytes, "MPI_Iallreduce"));
    }
    if (reduction == fb::Reduction::mean)
      divideBy(output, count, dtype, size());
    return Status::ok();
  }

  Status doReduceScatter(const void *input, void *output, size_t outputCount,
                         DType dtype, fb::Reduction reduction) override {
    MLC_RETURN_IF_ERROR(usable());
    uint64_t bytes = uint64_t(size()) * outputCount * dtypeSize(dtype);
    MLC_RETURN_IF_ERROR(
        fitsOneCall(outputCount * size_t(size()), "reduce_scatter"));
    MPI_Request request;
    int rc = MPI_Ireduce_scatter_block(
        input, output, static_cast<int>(outputCount), mpiType(dtype),
        mpiOp(reduction), comm_, &request);
    MLC_RETURN_IF_ERROR(wait(rc, request, fb::CollectiveKind::reduce_scatter,
                             bytes, "MPI_Ireduce_scatter_block"));
    if (reduction == fb::Reduction::mean)
      divideBy(output, outputCount, dtype, size());
    return Status::ok();
  }

  Status doAllGather(const void *input, void *output, size_t inputCount,
                     DType dtype) override {
    MLC_RETURN_IF_ERROR(usable());
    MLC_RETURN_IF_ERROR(fitsOneCall(inputCount * size_t(size()), "all_gather"));
    MPI_Request request;
    int rc = MPI_Iallgather(input, static_cast<int>(inputCount), mpiType(dtype),
                            output, static_cast<int>(inputCount),
                            mpiType(dtype), comm_, &request);
    return wait(rc, request, fb::CollectiveKind::all_gather,
                inputCount * dtypeSize(dtype), "MPI_Iallgather");
  }

  Status doBroadcast(void *data, size_t count, DType dtype, int root) override {
    MLC_RETURN_IF_ERROR(usable());
    size_t element = dtypeSize(dtype);
    for (size_t done = 0; done < count; done += kMaxCount) {
      int n = static_cast<int>(std::min(kMaxCount, count - done));
      MPI_Request request;
      int rc = MPI_Ibcast(static_cast<uint8_t *>(data) + done * element, n,
                          mpiType(dtype), root, comm_, &request);
      MLC_RETURN_IF_ERROR(wait(rc, request, fb::CollectiveKind::broadcast,
                               count * element, "MPI_Ibcast"));
    }
    return Status::ok();
  }

  /// A send returns once MPI has the message: its bytes are copied into a
  /// block the channel keeps until the receiver has taken them, so that a
  /// send never waits for its receiver (two pipeline stages that send to
  /// each other in the order of one schedule cannot block each other).
  Status doSend(const void *data, size_t bytes, int peer) override {
    MLC_RETURN_IF_ERROR(usable());
    MLC_RETURN_IF_ERROR(completeSends(/*wait=*/false));
    PendingSend pending;
    pending.what = describeCall(fb::CollectiveKind::send, bytes) + " to rank " +
                   std::to_string(worldRanks()[size_t(peer)]);
    pending.bytes.assign(static_cast<const uint8_t *>(data),
                         static_cast<const uint8_t *>(data) + bytes);
    for (size_t c = 0; c < chunksOf(bytes); ++c) {
      size_t done = c * kMaxCount;
      int n = static_cast<int>(std::min(kMaxCount, bytes - done));
      MPI_Request request;
      int rc = MPI_Isend(pending.bytes.data() + done, n, MPI_BYTE, peer, kTag,
                         comm_, &request);
      if (rc != MPI_SUCCESS)
        return fail("MPI_Isend", rc);
      pending.requests.push_back(request);
    }
    pendingSends_.push_back(std::move(pending));
    return Status::ok();
  }

  Status doFlushSends() override {
    if (pendingSends_.empty())
      return Status::ok();
    MLC_RETURN_IF_ERROR(usable());
    return completeSends(/*wait=*/true);
  }

  /// Frees the sends the receivers have taken; with `wait`, waits (up to
  /// the timeout) for all of them.
  Status completeSends(bool wait) {
    while (!pendingSends_.empty()) {
      PendingSend &first = pendingSends_.front();
      while (!first.requests.empty()) {
        MPI_Request &request = first.requests.back();
        if (wait) {
          MLC_RETURN_IF_ERROR(waitFor(MPI_SUCCESS, request,
                                      first.what + " (taken by the receiver)",
                                      "MPI_Isend", nullptr));
        } else {
          int done = 0;
          int rc = MPI_Test(&request, &done, MPI_STATUS_IGNORE);
          if (rc != MPI_SUCCESS)
            return fail("MPI_Isend", rc);
          if (!done)
            return Status::ok();
        }
        first.requests.pop_back();
      }
      pendingSends_.pop_front();
    }
    return Status::ok();
  }

  Status doRecv(void *data, size_t bytes, int peer) override {
    MLC_RETURN_IF_ERROR(usable());
    for (size_t c = 0; c < chunksOf(bytes); ++c) {
      size_t done = c * kMaxCount;
      int n = static_cast<int>(std::min(kMaxCount, bytes - done));
      MPI_Request request;
      int rc = MPI_Irecv(static_cast<uint8_t *>(data) + done, n, MPI_BYTE, peer,
                         kTag, comm_, &request);
      MPI_Status status;
      MLC_RETURN_IF_ERROR(wait(rc, request, fb::CollectiveKind::recv, bytes,
                               "MPI_Irecv", &status));
      int got = 0;
      MPI_Get_count(&status, MPI_BYTE, &got);
      if (got != n)
        return Status::error(
            "recv of " + std::to_string(bytes) + " bytes from rank " +
            std::to_string(worldRanks()[size_t(peer)]) + " got a message of " +
            std::to_string(got) + " bytes");
    }
    return Status::ok();
  }

  Status doBarrier() override {
    MLC_RETURN_IF_ERROR(usable());
    MPI_Request request;
    int rc = MPI_Ibarrier(comm_, &request);
    return waitFor(rc, request, "barrier over ranks " + ranksText(),
                   "MPI_Ibarrier", nullptr);
  }

private:
  static constexpr int kTag = 7;

  Status fail(const char *call, int rc) const {
    return Status::unavailable(std::string(call) + " failed on rank " +
                               std::to_string(worldRanks()[size_t(rank())]) +
                               ": " + mpiError(rc));
  }

  /// An error once a call of this group timed out.
  Status usable() const {
    if (!abandoned_)
      return Status::ok();
    // The first timeout's message names the rank it waited for: a later
    // call (one the communication thread had queued) says it again.
    return Status::unavailable(
        "rank " + std::to_string(worldRanks()[size_t(rank())]) +
        ": an earlier call on the group of ranks " + ranksText() +
        " timed out (" + abandonedBy_ + "); it takes no more");
  }

  Status fitsOneCall(size_t count, const char *what) const {
    if (count > static_cast<size_t>(INT_MAX))
      return Status::error(std::string(what) + " of " + std::to_string(count) +
                           " elements is more than one MPI call moves");
    return Status::ok();
  }

  std::string ranksText() const {
    std::string text;
    for (size_t i = 0; i < worldRanks().size(); ++i)
      text += (i ? ", " : "") + std::to_string(worldRanks()[i]);
    return text;
  }

  Status wait(int rc, MPI_Request &request, fb::CollectiveKind kind,
              uint64_t bytes, const char *call, MPI_Status *status = nullptr) {
    return waitFor(rc, request, describeCall(kind, bytes), call, status);
  }

  /// Polls `request` until it completes or the timeout passes: spinning
  /// briefly (most collectives finish in microseconds), then sleeping in
  /// growing steps up to a millisecond, so that a rank waiting for a slow
  /// peer leaves the cores to it.
  Status waitFor(int rc, MPI_Request &request, const std::string &what,
                 const char *call, MPI_Status *status) {
    if (rc != MPI_SUCCESS)
      return fail(call, rc);

    using Clock = std::chrono::steady_clock;
    Clock::time_point start = Clock::now();
    std::chrono::microseconds nap(0);
    MPI_Status local;
    for (int polls = 0;; ++polls) {
      int done = 0;
      rc = MPI_Test(&request, &done, status ? status : &local);
      if (rc != MPI_SUCCESS)
        return fail(call, rc);
      if (done)
        return Status::ok();
      double waited =
          std::chrono::duration<double>(Clock::now() - start).count();
      if (options_.timeoutSeconds > 0 && waited > options_.timeoutSeconds) {
        abandoned_ = true;
        Status failure;
        if (size() <= 2) {
          failure = timedOut(what, waited, options_.timeoutSeconds);
        } else {
          double grace = std::clamp(options_.timeoutSeconds, 2.0, 10.0);
          std::vector<int> silent = rollCall(grace);
          failure =
              timedOut(what, waited, options_.timeoutSeconds, &silent, grace);
        }
        abandonedBy_ = failure.message();
        return failure;
      }
      if (polls > 2000) {
        nap = std::min(std::chrono::microseconds(1000),
                       nap + std::chrono::microseconds(20));
        std::this_thread::sleep_for(nap);
      }
    }
  }

  /// After a timeout in a group of more than two: the positions of the
  /// ranks that are not here. Every rank still running waits in the same
  /// collective with the same timeout, so they time out within moments of
  /// one another; each sends every other a message on a tag of its own
  /// and listens for theirs for `grace` seconds. The group is abandoned
  /// after this, so requests still pending are left to MPI (a message to a
  /// dead rank may never complete) and the buffers they use live on.
  std::vector<int> rollCall(double grace) {
    int n = size(), me = rank();
    rollCallHeard_.assign(static_cast<size_t>(n), 0);
    std::vector<MPI_Request> recvs(static_cast<size_t>(n), MPI_REQUEST_NULL);
    for (int p = 0; p < n; ++p) {
      if (p == me)
        continue;
      MPI_Request send = MPI_REQUEST_NULL;
      if (MPI_Isend(&kRollCallToken, 1, MPI_INT, p, kRollCallTag, comm_,
                    &send) == MPI_SUCCESS)
        MPI_Request_free(&send);
      MPI_Irecv(&rollCallHeard_[size_t(p)], 1, MPI_INT, p, kRollCallTag, comm_,
                &recvs[size_t(p)]);
    }
    using Clock = std::chrono::steady_clock;
    Clock::time_point start = Clock::now();
    for (;;) {
      bool all = true;
      for (int p = 0; p < n; ++p) {
        MPI_Request &r = recvs[size_t(p)];
        if (r == MPI_REQUEST_NULL)
          continue;
        int done = 0;
        if (MPI_Test(&r, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS || !done)
          all = false;
      }
      if (all ||
          std::chrono::duration<double>(Clock::now() - start).count() > grace)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::vector<int> silent;
    for (int p = 0; p < n; ++p)
      if (p != me && rollCallHeard_[size_t(p)] != kRollCallToken) {
        silent.push_back(p);
        MPI_Cancel(&recvs[size_t(p)]);
        MPI_Request_free(&recvs[size_t(p)]);
      }
    return silent;
  }

  /// Below 32767, the least MPI_TAG_UB an MPI provides.
  static constexpr int kRollCallTag = 31000;
  static constexpr int kRollCallToken = 1;
  std::vector<int> rollCallHeard_;
  /// Messages sent whose receivers may not have taken them yet.
  struct PendingSend {
    std::vector<uint8_t> bytes;
    std::vector<MPI_Request> requests;
    std::string what;
  };
  std::deque<PendingSend> pendingSends_;
  MPI_Comm comm_;
  ChannelOptions options_;
  /// A call timed out: its request is still pending (MPI cannot cancel a
  /// collective), so the group takes no more calls and is never freed.
  bool abandoned_ = false;
  /// The message of the timeout that abandoned the group.
  std::string abandonedBy_;
};

/// The first of `names` that is set in the environment, as an integer.
std::optional<int> envInt(std::initializer_list<const char *> names) {
  for (const char *name : names)
    if (const char *value = std::getenv(name)) {
      char *end = nullptr;
      long v = std::strtol(value, &end, 10);
      if (end != value && *end == '\0' && v >= 0 && v <= INT_MAX)
        return static_cast<int>(v);
    }
  return std::nullopt;
}

} // namespace

StatusOr<std::unique_ptr<Channel>>
createMpiChannel(const ChannelOptions &options) {
  if (!(options.timeoutSeconds >= 0))
    return Status::error("a communicator timeout must be >= 0 seconds");
  MLC_RETURN_IF_ERROR(initializeMpi());
  return MpiChannel::world(options);
}

bool launchedByMpi() {
  return envInt({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}).has_value();
}

std::pair<int, int> launcherRankAndSize() {
  std::optional<int> rank =
      envInt({"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"});
  std::optional<int> size = envInt({"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"});
  return {rank.value_or(0), size.value_or(1)};
}

} // namespace mlc::rt::mpi
