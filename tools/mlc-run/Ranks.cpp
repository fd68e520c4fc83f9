// The ranks of an mlc-run started by mpirun.
#include "Ranks.h"

#ifdef MLC_HAVE_MPI
#include "runtime/mpi/MpiChannel.h"
#endif

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace mlc::run {

namespace {

/// The line a rank writes when a signal stops it (mpirun sends SIGTERM to
/// every rank when one fails), formatted before any signal can come.
char stopMessage[160];

void sayStopped(int signal) {
  ssize_t ignored =
      ::write(STDERR_FILENO, stopMessage, std::strlen(stopMessage));
  (void)ignored;
  std::_Exit(128 + signal);
}

void announceSignals(int rank) {
  std::snprintf(stopMessage, sizeof stopMessage,
                "mlc-run: rank %d: stopped by a signal; mpirun stops every "
                "rank when one fails (its message names that rank)\n",
                rank);
  struct sigaction action {};
  action.sa_handler = sayStopped;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

bool startedByMpi() {
#ifdef MLC_HAVE_MPI
  return rt::mpi::launchedByMpi();
#else
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE");
#endif
}

} // namespace

void declareRankOptions(tools::Args &args) {
  args.option("comm", "NAME",
              "communicator between ranks: loopback (one rank), mpi, nccl "
              "(default: mpi under mpirun, else loopback)");
  args.option("collective-timeout", "S",
              "seconds a collective waits for the other ranks before the run "
              "fails naming them (default 30; 0 waits forever)");
  args.option("overlap", "on|off",
              "run collectives on a communication thread while the step "
              "computes on (default on; off: each blocks where it stands)");
}

rt::StatusOr<bool> overlapOption(const tools::Args &args) {
  std::string value = args.get("overlap", "on");
  if (value != "on" && value != "off")
    return rt::Status::error("--overlap takes on or off, not '" + value + "'");
  return value == "on";
}

rt::StatusOr<Ranks> openRanks(const tools::Args &args) {
  rt::ChannelRegistry registry;
  rt::registerBuiltinChannels(registry);
  std::string name = args.get("comm", startedByMpi() ? "mpi" : "loopback");
  if (startedByMpi() && !registry.contains("mpi") && !args.has("comm"))
    return rt::Status::error(
        "mpirun started this process, but this mlc-run was built without "
        "MPI (install libopenmpi-dev and rebuild)");
  rt::StatusOr<double> timeout = args.getDouble("collective-timeout", 30);
  if (!timeout.isOk())
    return timeout.status();
  if (*timeout < 0)
    return rt::Status::error("--collective-timeout must be >= 0 seconds");
  rt::ChannelOptions options;
  options.timeoutSeconds = *timeout;
  rt::StatusOr<std::unique_ptr<rt::Channel>> world =
      registry.create(name, options);
  if (!world.isOk())
    return world.status().withContext("--comm " + name);
  Ranks ranks;
  ranks.world = std::move(world).value();
  ranks.usesMpi = name != "loopback";
  if (ranks.size() > 1) {
    announceSignals(ranks.rank());
    if (!ranks.speaks() && !std::freopen("/dev/null", "w", stdout))
      return rt::Status::unavailable("cannot silence the output of rank " +
                                     std::to_string(ranks.rank()));
  }
  return ranks;
}

rt::Status checkMeshSize(Ranks &ranks, const rt::Executable &executable) {
  size_t wanted = executable.numRanks();
  if (wanted == static_cast<size_t>(ranks.size()))
    return rt::Status::ok();
  std::string mesh = executable.describeMesh();
  std::string what = executable.origin() + " was compiled for a mesh of " +
                     std::to_string(wanted) +
                     (wanted == 1 ? " rank" : " ranks") +
                     (mesh.empty() ? "" : " (" + mesh + ")");
  if (ranks.size() == 1)
    return rt::Status::error(what +
                             ", but this is one process; run it with "
                             "mpirun -np " +
                             std::to_string(wanted) + " mlc-run ...");
  // Every rank finds this; each says so before any leaves, so that mpirun
  // stopping the job does not cut the others' messages short.
  rt::Status s = rt::Status::error(
      what + ", but mpirun started " + std::to_string(ranks.size()) +
      " ranks; run it with mpirun -np " + std::to_string(wanted));
  std::fprintf(stderr, "mlc-run: error: %s%s\n", rankPrefix(&ranks).c_str(),
               s.message().c_str());
  std::fflush(stderr);
  (void)ranks.world->barrier();
  leave(&ranks, 1);
}

rt::Status reportCollectives(Ranks &ranks, double blockedSeconds,
                             const rt::CollectiveCounters &state) {
  // The steps' traffic: what gathering sharded state for checkpoints
  // handed over is reported apart.
  rt::CollectiveCounters mine = ranks.world->counters();
  for (size_t k = 0; k < rt::kNumCollectiveKinds; ++k) {
    mine.kinds[k].calls -= state.kinds[k].calls;
    mine.kinds[k].bytes -= state.kinds[k].bytes;
    mine.kinds[k].seconds -= state.kinds[k].seconds;
  }
  if (ranks.size() == 1 && mine.totalBytes() == 0)
    return rt::Status::ok();
  // Calls, bytes and microseconds of each kind, of every rank.
  std::vector<int64_t> local;
  for (const rt::CollectiveTally &t : mine.kinds) {
    local.push_back(static_cast<int64_t>(t.calls));
    local.push_back(static_cast<int64_t>(t.bytes));
    local.push_back(static_cast<int64_t>(t.seconds * 1e6));
  }
  local.push_back(static_cast<int64_t>(blockedSeconds * 1e6));
  std::vector<int64_t> all(local.size() * size_t(ranks.size()));
  MLC_RETURN_IF_ERROR(ranks.world->allGather(local.data(), all.data(),
                                             local.size(), rt::DType::i64));
  if (!ranks.speaks())
    return rt::Status::ok();
  for (int r = 0; r < ranks.size(); ++r) {
    std::string line;
    for (size_t k = 0; k < rt::kNumCollectiveKinds; ++k) {
      const int64_t *tally = &all[size_t(r) * local.size() + 3 * k];
      if (tally[0] == 0)
        continue;
      char time[32];
      std::snprintf(time, sizeof time, " in %.1f ms",
                    static_cast<double>(tally[2]) / 1e3);
      line += (line.empty() ? "" : ", ") +
              std::string(fb::EnumNameCollectiveKind(
                  static_cast<fb::CollectiveKind>(k))) +
              " " + std::to_string(tally[0]) + " calls " +
              std::to_string(tally[1]) + " bytes" + time;
    }
    // The time the rank's steps waited: all of the calls' time without
    // overlap, what the communication thread did not hide with it.
    char blocked[48];
    std::snprintf(blocked, sizeof blocked, "; blocked %.1f ms",
                  static_cast<double>(all[size_t(r + 1) * local.size() - 1]) /
                      1e3);
    std::printf("collectives of rank %d: %s%s\n", r,
                line.empty() ? "none" : line.c_str(), blocked);
  }
  if (state.totalBytes() > 0)
    std::printf("checkpoints gathered sharded state: %llu bytes in %llu "
                "calls per rank\n",
                static_cast<unsigned long long>(state.totalBytes()),
                static_cast<unsigned long long>(
                    state[fb::CollectiveKind::all_gather].calls));
  std::fflush(stdout);
  return rt::Status::ok();
}

std::string rankPrefix(const Ranks *ranks) {
  if (!ranks || !ranks->world || ranks->size() == 1)
    return "";
  return "rank " + std::to_string(ranks->rank()) + ": ";
}

void leave(const Ranks *ranks, int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  if (code != 0 && ranks && ranks->usesMpi)
    std::_Exit(code);
  std::exit(code);
}

} // namespace mlc::run
