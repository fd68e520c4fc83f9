// The ranks of an mlc-run started by mpirun: the communicator they share,
// which of them speaks, how they report collectives and how they stop.
#ifndef MLC_TOOLS_MLCRUN_RANKS_H
#define MLC_TOOLS_MLCRUN_RANKS_H

#include "runtime/Channel.h"
#include "runtime/Executable.h"
#include "tools/common/Args.h"

#include <memory>

namespace mlc::run {

/// This process's rank and the channel of every rank of the job.
struct Ranks {
  std::unique_ptr<rt::Channel> world;
  /// Whether MPI was started (the process must then leave through exit()).
  bool usesMpi = false;

  int rank() const { return world->rank(); }
  int size() const { return world->size(); }
  /// Rank 0 prints, logs metrics and writes checkpoints; the others are
  /// quiet.
  bool speaks() const { return world->rank() == 0; }
};

/// Declares --comm, --collective-timeout and --overlap.
void declareRankOptions(tools::Args &args);

/// The communicator of --comm (default: mpi when mpirun started the
/// process, loopback otherwise), with the timeout of
/// --collective-timeout. Ranks other than 0 stop printing on stdout, and
/// every rank says which rank it is when mpirun stops it.
rt::StatusOr<Ranks> openRanks(const tools::Args &args);

/// --overlap on|off (default on): whether collectives run on a
/// communication thread while the steps go on computing.
rt::StatusOr<bool> overlapOption(const tools::Args &args);

/// Refuses, naming both numbers, an executable compiled for another number
/// of ranks than the job has. In a job of several ranks every rank finds
/// it: each prints the error, they meet, and all leave with status 1.
rt::Status checkMeshSize(Ranks &ranks, const rt::Executable &executable);

/// Rank 0 prints what every rank handed to each kind of collective (calls,
/// bytes, and the time spent in them, waiting for the group included), one
/// line per rank, from the counters of `ranks.world` (gathered from all
/// ranks; the gathering is not counted), and how long the rank's calls
/// were `blocked` on them (Session::collectiveWaitSeconds).
rt::Status reportCollectives(Ranks &ranks, double blockedSeconds,
                             const rt::CollectiveCounters &state);

/// "rank 1: " in a job of several ranks, "" alone.
std::string rankPrefix(const Ranks *ranks);

/// Ends the process with `code`. A failed rank of an MPI job leaves
/// without MPI_Finalize, which waits for every rank (one that hung would
/// hold it forever); mpirun then stops the others.
[[noreturn]] void leave(const Ranks *ranks, int code);

} // namespace mlc::run

#endif // MLC_TOOLS_MLCRUN_RANKS_H
