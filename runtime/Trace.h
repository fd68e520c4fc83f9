// A trace of a run in the Chrome trace-event format (chrome://tracing,
// ui.perfetto.dev): when each command of each call ran, on the device's
// track and on the communication track, one process per rank.
#ifndef MLC_RUNTIME_TRACE_H
#define MLC_RUNTIME_TRACE_H

#include "runtime/Status.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace mlc::rt {

class Trace {
public:
  using Clock = std::chrono::steady_clock;
  /// Where a slice is drawn: the commands the device runs (and the time it
  /// waits for collectives), or the collectives themselves (on the
  /// communication thread when they overlap).
  enum class Track : uint8_t { compute = 0, communication = 1 };

  /// Times count from `origin` (every rank takes it right after meeting
  /// the others, so that their tracks line up).
  explicit Trace(Clock::time_point origin = Clock::now()) : origin_(origin) {}

  /// Records a slice named `name` of `category` ("compute", "collective",
  /// "blocked", "call"). Safe to call from several threads.
  void add(Track track, std::string name, const char *category,
           Clock::time_point start, Clock::time_point end);
  size_t size() const;
  /// This rank's slices as trace events of process `rank`, with the names
  /// of the process and its tracks: JSON objects separated by commas.
  std::string eventsJson(int rank) const;

private:
  struct Event {
    Track track;
    std::string name;
    const char *category;
    int64_t startNs, durationNs;
  };
  mutable std::mutex mutex_;
  std::vector<Event> events_;
  Clock::time_point origin_;
};

/// Writes the events of every rank (eventsJson of each, in rank order) to
/// `path` as one trace, atomically.
Status writeTrace(const std::string &path,
                  const std::vector<std::string> &perRank);

} // namespace mlc::rt

#endif // MLC_RUNTIME_TRACE_H
