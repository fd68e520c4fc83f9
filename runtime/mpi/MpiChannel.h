// The MPI communicator: ranks in processes started by mpirun, exchanging
// host memory. Built where CMake finds MPI.
#ifndef MLC_RUNTIME_MPI_MPICHANNEL_H
#define MLC_RUNTIME_MPI_MPICHANNEL_H

#include "runtime/Channel.h"

namespace mlc::rt::mpi {

/// The channel of every rank of the job (MPI_COMM_WORLD). Initializes MPI
/// the first time (MPI_THREAD_SERIALIZED) and finalizes it when the process
/// exits normally. Errors return (MPI_ERRORS_RETURN) instead of aborting.
/// Every collective waits at most options.timeoutSeconds for its group.
StatusOr<std::unique_ptr<Channel>>
createMpiChannel(const ChannelOptions &options);

/// Whether this process was started by an MPI launcher (mpirun, mpiexec,
/// srun with PMI): its environment says so. MPI need not be initialized.
bool launchedByMpi();

/// The world rank and size the launcher gave this process, read from its
/// environment without initializing MPI; {0, 1} when not launched by one.
std::pair<int, int> launcherRankAndSize();

} // namespace mlc::rt::mpi

#endif // MLC_RUNTIME_MPI_MPICHANNEL_H
