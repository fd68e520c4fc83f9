// The NCCL communicator: ranks on GPUs, one process and one GPU each,
// exchanging device memory. Bootstrapped over MPI; built where CMake finds
// the CUDA toolkit, NCCL and MPI.
#ifndef MLC_RUNTIME_CUDA_NCCLCHANNEL_H
#define MLC_RUNTIME_CUDA_NCCLCHANNEL_H

#include "runtime/Channel.h"

namespace mlc::rt::cuda {

/// The channel of every rank of the job. Rank 0 makes the NCCL id and MPI
/// broadcasts it; each process takes the GPU of its local rank (modulo the
/// GPUs it sees). Buffers are CUDA device memory; each collective runs on
/// the channel's stream and is waited for, at most options.timeoutSeconds
/// (after which the communicator is aborted and the call fails). Fails
/// with an Unavailable status where no GPU or driver is present.
StatusOr<std::unique_ptr<Channel>>
createNcclChannel(const ChannelOptions &options);

/// Whether this process can use a CUDA device: the driver is loaded and
/// sees at least one GPU. `why` says what is missing otherwise.
bool cudaDeviceAvailable(std::string &why);

} // namespace mlc::rt::cuda

#endif // MLC_RUNTIME_CUDA_NCCLCHANNEL_H
