// Registration of the communicators this build has.
#include "runtime/Channel.h"

#ifdef MLC_HAVE_MPI
#include "runtime/mpi/MpiChannel.h"
#endif
#ifdef MLC_HAVE_NCCL
#include "runtime/cuda/NcclChannel.h"
#endif

namespace mlc::rt {

void registerBuiltinChannels(ChannelRegistry &registry) {
  registry.add(
      "loopback",
      [](const ChannelOptions &) -> StatusOr<std::unique_ptr<Channel>> {
        return createLoopbackChannel();
      });
#ifdef MLC_HAVE_MPI
  registry.add("mpi", mpi::createMpiChannel);
#endif
#ifdef MLC_HAVE_NCCL
  registry.add("nccl", cuda::createNcclChannel);
#endif
}

} // namespace mlc::rt
