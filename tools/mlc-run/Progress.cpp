// Console reporting for mlc-run: log lines and a progress bar.
#include "Progress.h"

#include <cstdio>

namespace mlc::run {

std::string humanCount(double value) {
  const char *suffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (value >= 1000.0 && i < 4) {
    value /= 1000.0;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                value < 10    ? "%.2f%s"
                : value < 100 ? "%.1f%s"
                              : "%.0f%s",
                value, suffix[i]);
  return buf;
}

Progress::Progress(uint64_t firstStep, uint64_t lastStep, bool enabled,
                   const char *unit)
    : first_(firstStep), last_(lastStep), enabled_(enabled), unit_(unit),
      start_(std::chrono::steady_clock::now()) {}

void Progress::clearBar() {
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }
}

void Progress::update(uint64_t step, double loss, double perSecond) {
  if (!enabled_)
    return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - lastDraw_ < std::chrono::milliseconds(100) &&
      step < last_)
    return;
  lastDraw_ = now;
  double total = static_cast<double>(last_ - first_);
  double done = total > 0 ? static_cast<double>(step - first_) / total : 1.0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(done * kWidth);
  std::string bar(static_cast<size_t>(filled), '=');
  if (filled < kWidth)
    bar += '>' + std::string(static_cast<size_t>(kWidth - filled - 1), ' ');
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = done > 0 ? elapsed * (1 - done) / done : 0;
  std::fprintf(
      stderr,
      "\r\033[K[%s] %5.1f%% step %llu/%llu  loss %.5g  %s%s  %.0fs left",
      bar.c_str(), 100 * done, static_cast<unsigned long long>(step),
      static_cast<unsigned long long>(last_), loss,
      humanCount(perSecond).c_str(), unit_, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::log(const std::string &line) {
  clearBar();
  std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

void Progress::finish() { clearBar(); }

} // namespace mlc::run
