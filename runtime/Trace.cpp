// Traces in the Chrome trace-event format.
#include "runtime/Trace.h"

#include "runtime/File.h"

#include <cstdio>

namespace mlc::rt {

namespace {

/// `text` as a JSON string literal.
std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

/// Nanoseconds as the microseconds trace events count, to the nanosecond.
std::string micros(int64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld",
                static_cast<long long>(ns / 1000),
                static_cast<long long>(ns % 1000));
  return text;
}

} // namespace

void Trace::add(Track track, std::string name, const char *category,
                Clock::time_point start, Clock::time_point end) {
  auto ns = [&](Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t - origin_)
        .count();
  };
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(
      {track, std::move(name), category, ns(start), ns(end) - ns(start)});
}

size_t Trace::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return events_.size();
}

std::string Trace::eventsJson(int rank) const {
  std::string pid = std::to_string(rank);
  std::string out = "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + pid +
                    ",\"args\":{\"name\":\"rank " + pid +
                    "\"}},"
                    "{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":" +
                    pid + ",\"args\":{\"sort_index\":" + pid +
                    "}},"
                    "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" +
                    pid +
                    ",\"tid\":0,\"args\":{\"name\":\"compute\"}},"
                    "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" +
                    pid + ",\"tid\":1,\"args\":{\"name\":\"communication\"}}";
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Event &e : events_)
    out += ",{\"ph\":\"X\",\"pid\":" + pid +
           ",\"tid\":" + std::to_string(static_cast<int>(e.track)) +
           ",\"name\":" + quoted(e.name) + ",\"cat\":" + quoted(e.category) +
           ",\"ts\":" + micros(e.startNs) + ",\"dur\":" + micros(e.durationNs) +
           "}";
  return out;
}

Status writeTrace(const std::string &path,
                  const std::vector<std::string> &perRank) {
  StatusOr<AtomicFileWriter> file = AtomicFileWriter::create(path);
  if (!file.isOk())
    return file.status();
  std::string head = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[";
  MLC_RETURN_IF_ERROR(file->write(head.data(), head.size()));
  for (size_t r = 0; r < perRank.size(); ++r) {
    if (r)
      MLC_RETURN_IF_ERROR(file->write(",", 1));
    MLC_RETURN_IF_ERROR(file->write(perRank[r].data(), perRank[r].size()));
  }
  std::string tail = "]}\n";
  MLC_RETURN_IF_ERROR(file->write(tail.data(), tail.size()));
  return file->commit();
}

} // namespace mlc::rt
