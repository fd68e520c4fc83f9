// Console reporting for mlc-run: log lines on stdout and, on a terminal, a
// progress bar on stderr that log lines print above.
#ifndef MLC_TOOLS_MLCRUN_PROGRESS_H
#define MLC_TOOLS_MLCRUN_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <string>

namespace mlc::run {

class Progress {
public:
  /// `enabled`: draw the bar (stderr is a terminal and not --no-progress);
  /// `unit`: what the rate counts (" samples/s", " tokens/s").
  Progress(uint64_t firstStep, uint64_t lastStep, bool enabled,
           const char *unit);

  /// Redraws the bar (at most ten times a second) with the rate in units/s
  /// and the time left.
  void update(uint64_t step, double loss, double perSecond);
  /// Prints a log line on stdout, above the bar.
  void log(const std::string &line);
  /// Removes the bar.
  void finish();

private:
  void clearBar();
  uint64_t first_, last_;
  bool enabled_, drawn_ = false;
  const char *unit_;
  std::chrono::steady_clock::time_point start_, lastDraw_;
};

/// "12.3k", "4.56M": short human-readable magnitudes.
std::string humanCount(double value);

} // namespace mlc::run

#endif // MLC_TOOLS_MLCRUN_PROGRESS_H
