// Metrics files as JSON lines or CSV.
#include "runtime/Metrics.h"

#include "runtime/Session.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace mlc::rt {

namespace {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string formatNumber(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  // The shortest text that reads back as the same double.
  char buf[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}

/// One CSV field per RFC 4180: wrapped in quotes, with quotes doubled, when
/// it holds a comma, a quote, CR or LF; as it is otherwise.
std::string csvField(const std::string &s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos)
    return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

} // namespace

StatusOr<std::unique_ptr<MetricsWriter>>
MetricsWriter::open(const std::string &path,
                    const std::vector<std::string> &columns) {
  std::unique_ptr<MetricsWriter> w(new MetricsWriter());
  w->path_ = path;
  w->format_ = endsWith(path, ".csv") ? Format::Csv : Format::JsonLines;
  w->columns_ = columns;
  w->file_ = std::fopen(path.c_str(), "w");
  if (!w->file_)
    return Status::error(path + ": cannot write metrics (" +
                         std::strerror(errno) + ")");
  if (w->format_ == Format::Csv) {
    std::string header;
    for (const std::string &c : columns)
      header += (header.empty() ? "" : ",") + csvField(c);
    std::fprintf(w->file_, "%s\n", header.c_str());
    std::fflush(w->file_);
  }
  return w;
}

MetricsWriter::~MetricsWriter() {
  if (file_)
    std::fclose(file_);
}

Status MetricsWriter::write(const std::vector<MetricField> &record) {
  std::string line;
  if (format_ == Format::JsonLines) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const MetricField &f : record) {
      if (f.isText)
        j[f.key] = f.text;
      else if (std::isfinite(f.number) && std::floor(f.number) == f.number &&
               std::fabs(f.number) < 1e15)
        j[f.key] = static_cast<int64_t>(f.number);
      else if (std::isfinite(f.number))
        j[f.key] = f.number;
      else
        j[f.key] = formatNumber(f.number); // JSON has no NaN: keep it visible
    }
    // A name or text that is not UTF-8 (output names come from the
    // executable) is written with U+FFFD instead of making dump() throw.
    line = j.dump(-1, ' ', false,
                  nlohmann::ordered_json::error_handler_t::replace);
  } else {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c)
        line += ",";
      for (const MetricField &f : record)
        if (f.key == columns_[c]) {
          line += f.isText ? csvField(f.text) : formatNumber(f.number);
          break;
        }
    }
  }
  if (std::fprintf(file_, "%s\n", line.c_str()) < 0 || std::fflush(file_) != 0)
    return Status::error(path_ + ": cannot write metrics (" +
                         std::strerror(errno) + ")");
  return Status::ok();
}

Status writeProfile(const Session &session, const std::string &path) {
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const Entry *entry : session.entries()) {
    if (entry->profiledCalls() == 0)
      continue;
    double calls = static_cast<double>(entry->profiledCalls()), total = 0;
    nlohmann::ordered_json commands = nlohmann::ordered_json::array();
    for (size_t c = 0; c < entry->profile().size(); ++c) {
      const CommandProfile &p = entry->profile()[c];
      total += p.seconds;
      nlohmann::ordered_json command = {
          {"index", c},
          {"kernel", p.kernel},
          {"kind", p.kind},
          {"fused_ops", p.fusedOps},
          {"bytes", p.bytes},
          {"result_bytes", p.resultBytes},
          {"seconds_per_call", p.seconds / calls}};
      if (p.region)
        command["written_per_call"] = {
            {"results", static_cast<double>(p.written.results) / calls},
            {"scratch", static_cast<double>(p.written.scratch) / calls},
            {"intermediates",
             static_cast<double>(p.written.intermediates) / calls}};
      commands.push_back(std::move(command));
    }
    entries.push_back({{"name", entry->name()},
                       {"kind", fb::EnumNameEntryKind(entry->kind())},
                       {"calls", entry->profiledCalls()},
                       {"seconds_per_call", total / calls},
                       {"commands", std::move(commands)}});
  }
  nlohmann::ordered_json root = {{"entries", std::move(entries)}};
  std::FILE *f = std::fopen(path.c_str(), "w");
  if (!f)
    return Status::error("--profile " + path + ": cannot open for writing (" +
                         std::strerror(errno) + ")");
  std::string text =
      root.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text += "\n";
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok &= std::fclose(f) == 0;
  if (!ok)
    return Status::error("--profile " + path + ": write failed");
  return Status::ok();
}

} // namespace mlc::rt
