// Metrics files: one record per logged step or evaluation, as JSON lines
// or CSV, for plotting.
#ifndef MLC_RUNTIME_METRICS_H
#define MLC_RUNTIME_METRICS_H

#include "runtime/Status.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace mlc::rt {

class Session;

/// One value of a record: a number or a short string.
struct MetricField {
  std::string key;
  double number = 0;
  std::string text;
  bool isText = false;

  static MetricField num(std::string key, double value) {
    return {std::move(key), value, "", false};
  }
  static MetricField str(std::string key, std::string value) {
    return {std::move(key), 0, std::move(value), true};
  }
};

class MetricsWriter {
public:
  enum class Format { JsonLines, Csv };

  /// Opens `path` for writing (truncating it). The format follows the
  /// extension: ".csv" is CSV, anything else JSON lines. CSV files get the
  /// header `columns`; records fill the columns they have and leave the
  /// others empty. Names and text are quoted as RFC 4180 says.
  static StatusOr<std::unique_ptr<MetricsWriter>>
  open(const std::string &path, const std::vector<std::string> &columns);
  ~MetricsWriter();

  /// Appends one record and flushes it, so a crash loses nothing logged.
  Status write(const std::vector<MetricField> &record);
  Format format() const { return format_; }

private:
  MetricsWriter() = default;
  std::FILE *file_ = nullptr;
  std::string path_;
  Format format_ = Format::JsonLines;
  std::vector<std::string> columns_;
};

/// Writes the command times of every entry point profiled in `session`
/// (Session::setProfiling) to `path` as one JSON object:
///   {"entries": [{"name", "kind", "calls", "seconds_per_call",
///                 "commands": [{"index", "kernel", "kind", "fused_ops",
///                               "bytes", "result_bytes", "seconds_per_call",
///                               "written_per_call"}]}]}
/// ("bytes": the operand and result bytes one call of the command touches;
/// "written_per_call", kernel regions only: the bytes its interpreter
/// wrote into results, scratch and intermediate tensors, RegionWrites).
/// Entry points never called while profiling are left out.
Status writeProfile(const Session &session, const std::string &path);

} // namespace mlc::rt

#endif // MLC_RUNTIME_METRICS_H
