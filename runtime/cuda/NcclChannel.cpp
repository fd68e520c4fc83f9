// The NCCL communicator, bootstrapped over MPI: NCCL moves the data, MPI
// only carries the id that lets the ranks find each other.
#include "runtime/cuda/NcclChannel.h"

#include "runtime/mpi/MpiChannel.h"

#include <cuda_runtime.h>
#include <nccl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

namespace mlc::rt::cuda {

namespace {

std::string cudaText(cudaError_t e) {
  return std::string(cudaGetErrorName(e)) + ": " + cudaGetErrorString(e);
}

ncclDataType_t ncclType(DType dtype) {
  switch (dtype) {
  case DType::f32:
    return ncclFloat32;
  case DType::f64:
    return ncclFloat64;
  case DType::bf16:
    return ncclBfloat16;
  case DType::f16:
    return ncclFloat16;
  case DType::i32:
    return ncclInt32;
  case DType::i64:
    return ncclInt64;
  case DType::i1:
    return ncclUint8;
  }
  return ncclUint8;
}

ncclRedOp_t ncclOp(fb::Reduction reduction) {
  switch (reduction) {
  case fb::Reduction::sum:
    return ncclSum;
  case fb::Reduction::mean:
    return ncclAvg;
  case fb::Reduction::max:
    return ncclMax;
  case fb::Reduction::min:
    return ncclMin;
  }
  return ncclSum;
}

/// The local rank the launcher gives this process, for choosing a GPU.
int localRank() {
  for (const char *name :
       {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"})
    if (const char *value = std::getenv(name))
      return std::atoi(value);
  return mpi::launcherRankAndSize().first;
}

class NcclChannel final : public Channel {
public:
  NcclChannel(ncclComm_t comm, cudaStream_t stream, int rank, int size,
              std::vector<int> worldRanks, const ChannelOptions &options,
              std::shared_ptr<CollectiveCounters> counters,
              std::shared_ptr<Channel> bootstrap)
      : Channel(rank, size, std::move(worldRanks), std::move(counters)),
        comm_(comm), stream_(stream), options_(options),
        bootstrap_(std::move(bootstrap)) {}

  ~NcclChannel() override {
    if (comm_)
      ncclCommDestroy(comm_);
    if (stream_)
      cudaStreamDestroy(stream_);
  }

  const char *name() const override { return "nccl"; }
  const char *deviceName() const override { return "cuda"; }

  static StatusOr<std::unique_ptr<Channel>>
  world(const ChannelOptions &options) {
    StatusOr<std::unique_ptr<Channel>> mpiWorld =
        mpi::createMpiChannel(options);
    if (!mpiWorld.isOk())
      return mpiWorld.status();
    std::shared_ptr<Channel> bootstrap = std::move(mpiWorld).value();
    int devices = 0;
    cudaError_t e = cudaGetDeviceCount(&devices);
    if (e != cudaSuccess || devices == 0)
      return Status::unavailable(
          "the nccl communicator needs a GPU: " +
          (e != cudaSuccess ? cudaText(e) : std::string("no CUDA device")));
    e = cudaSetDevice(localRank() % devices);
    if (e != cudaSuccess)
      return Status::unavailable("cudaSetDevice: " + cudaText(e));
    ncclUniqueId id;
    if (bootstrap->rank() == 0) {
      ncclResult_t r = ncclGetUniqueId(&id);
      if (r != ncclSuccess)
        return Status::unavailable(std::string("ncclGetUniqueId: ") +
                                   ncclGetErrorString(r));
    }
    MLC_RETURN_IF_ERROR(
        bootstrap->broadcast(&id, sizeof id, DType::i1, /*root=*/0));
    cudaStream_t stream = nullptr;
    e = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    if (e != cudaSuccess)
      return Status::unavailable("cudaStreamCreate: " + cudaText(e));
    ncclComm_t comm = nullptr;
    ncclResult_t r =
        ncclCommInitRank(&comm, bootstrap->size(), id, bootstrap->rank());
    if (r != ncclSuccess) {
      cudaStreamDestroy(stream);
      return Status::unavailable(std::string("ncclCommInitRank: ") +
                                 ncclGetErrorString(r));
    }
    return std::unique_ptr<Channel>(
        new NcclChannel(comm, stream, bootstrap->rank(), bootstrap->size(),
                        bootstrap->worldRanks(), options, nullptr, bootstrap));
  }

protected:
  StatusOr<std::unique_ptr<Channel>> splitGroup(int color, int key) override {
    ncclComm_t comm = nullptr;
    MLC_RETURN_IF_ERROR(check(ncclCommSplit(comm_, color, key, &comm, nullptr),
                              "ncclCommSplit"));
    int rank = 0, size = 0;
    ncclCommUserRank(comm, &rank);
    ncclCommCount(comm, &size);
    cudaStream_t stream = nullptr;
    cudaError_t e = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking);
    if (e != cudaSuccess) {
      ncclCommDestroy(comm);
      return Status::unavailable("cudaStreamCreate: " + cudaText(e));
    }
    // The members' world ranks, for messages: the bootstrap channel has
    // every rank, each contributing its own.
    std::vector<int> all(size_t(bootstrap_->size()));
    int me[2] = {color, worldRanks()[size_t(this->rank())]};
    std::vector<int> pairs(2 * all.size());
    MLC_RETURN_IF_ERROR(bootstrap_->allGather(me, pairs.data(), 2, DType::i32));
    std::vector<int> ranks;
    for (size_t i = 0; i < all.size(); ++i)
      if (pairs[2 * i] == color)
        ranks.push_back(pairs[2 * i + 1]);
    return std::unique_ptr<Channel>(
        new NcclChannel(comm, stream, rank, size, std::move(ranks), options_,
                        sharedCounters(), bootstrap_));
  }

  Status doAllReduce(const void *input, void *output, size_t count, DType dtype,
                     fb::Reduction reduction) override {
    return run(
        [&] {
          return ncclAllReduce(input, output, count, ncclType(dtype),
                               ncclOp(reduction), comm_, stream_);
        },
        "ncclAllReduce",
        describeCall(fb::CollectiveKind::all_reduce, count * dtypeSize(dtype)));
  }
  Status doReduceScatter(const void *input, void *output, size_t outputCount,
                         DType dtype, fb::Reduction reduction) override {
    return run(
        [&] {
          return ncclReduceScatter(input, output, outputCount, ncclType(dtype),
                                   ncclOp(reduction), comm_, stream_);
        },
        "ncclReduceScatter",
        describeCall(fb::CollectiveKind::reduce_scatter,
                     outputCount * size_t(size()) * dtypeSize(dtype)));
  }
  Status doAllGather(const void *input, void *output, size_t inputCount,
                     DType dtype) override {
    return run(
        [&] {
          return ncclAllGather(input, output, inputCount, ncclType(dtype),
                               comm_, stream_);
        },
        "ncclAllGather",
        describeCall(fb::CollectiveKind::all_gather,
                     inputCount * dtypeSize(dtype)));
  }
  Status doBroadcast(void *data, size_t count, DType dtype, int root) override {
    return run(
        [&] {
          return ncclBroadcast(data, data, count, ncclType(dtype), root, comm_,
                               stream_);
        },
        "ncclBroadcast",
        describeCall(fb::CollectiveKind::broadcast, count * dtypeSize(dtype)));
  }
  Status doSend(const void *data, size_t bytes, int peer) override {
    return run(
        [&] { return ncclSend(data, bytes, ncclUint8, peer, comm_, stream_); },
        "ncclSend", describeCall(fb::CollectiveKind::send, bytes));
  }
  Status doRecv(void *data, size_t bytes, int peer) override {
    return run(
        [&] { return ncclRecv(data, bytes, ncclUint8, peer, comm_, stream_); },
        "ncclRecv", describeCall(fb::CollectiveKind::recv, bytes));
  }
  Status doBarrier() override { return bootstrap_->barrier(); }

private:
  Status check(ncclResult_t r, const char *call) const {
    if (r == ncclSuccess)
      return Status::ok();
    return Status::unavailable(std::string(call) + " on rank " +
                               std::to_string(worldRanks()[size_t(rank())]) +
                               ": " + ncclGetErrorString(r));
  }

  /// Enqueues a call on the stream and waits for it, polling so that a
  /// peer that never arrives fails the call after the timeout (the
  /// communicator is aborted then: NCCL cannot cancel one operation, and
  /// later calls fail).
  Status run(const std::function<ncclResult_t()> &enqueue, const char *call,
             const std::string &what) {
    if (!comm_)
      return Status::unavailable(what + ": the communicator was aborted "
                                        "after an earlier timeout");
    MLC_RETURN_IF_ERROR(check(enqueue(), call));
    using Clock = std::chrono::steady_clock;
    Clock::time_point start = Clock::now();
    for (;;) {
      cudaError_t e = cudaStreamQuery(stream_);
      if (e == cudaSuccess)
        return Status::ok();
      if (e != cudaErrorNotReady)
        return Status::unavailable(what + ": " + cudaText(e));
      ncclResult_t async = ncclSuccess;
      ncclCommGetAsyncError(comm_, &async);
      if (async != ncclSuccess && async != ncclInProgress)
        return check(async, call);
      double waited =
          std::chrono::duration<double>(Clock::now() - start).count();
      if (options_.timeoutSeconds > 0 && waited > options_.timeoutSeconds) {
        ncclCommAbort(comm_);
        comm_ = nullptr;
        return timedOut(what, waited, options_.timeoutSeconds);
      }
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }

  ncclComm_t comm_;
  cudaStream_t stream_;
  ChannelOptions options_;
  std::shared_ptr<Channel> bootstrap_;
};

} // namespace

StatusOr<std::unique_ptr<Channel>>
createNcclChannel(const ChannelOptions &options) {
  return NcclChannel::world(options);
}

bool cudaDeviceAvailable(std::string &why) {
  int devices = 0;
  cudaError_t e = cudaGetDeviceCount(&devices);
  if (e != cudaSuccess) {
    why = "cudaGetDeviceCount: " + cudaText(e);
    return false;
  }
  if (devices == 0) {
    why = "no CUDA device";
    return false;
  }
  return true;
}

} // namespace mlc::rt::cuda
