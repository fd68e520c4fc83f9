// Reading and atomically writing safetensors files.
#include "runtime/Safetensors.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

namespace mlc::rt {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;

const char *safetensorsDType(DType dtype) {
  switch (dtype) {
  case DType::f32:
    return "F32";
  case DType::f64:
    return "F64";
  case DType::bf16:
    return "BF16";
  case DType::f16:
    return "F16";
  case DType::i32:
    return "I32";
  case DType::i64:
    return "I64";
  case DType::i1:
    return "BOOL";
  }
  return "?";
}

bool parseDType(const std::string &s, DType &dtype) {
  for (DType d : {DType::f32, DType::f64, DType::bf16, DType::f16, DType::i32,
                  DType::i64, DType::i1})
    if (s == safetensorsDType(d)) {
      dtype = d;
      return true;
    }
  return false;
}

Status readAll(const std::string &path, std::vector<uint8_t> &bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status::error(path + ": cannot open (" + std::strerror(errno) + ")");
  bytes.assign(std::istreambuf_iterator<char>(in),
               std::istreambuf_iterator<char>());
  if (in.bad())
    return Status::error(path + ": read error");
  return Status::ok();
}

Status writeAllAndSync(int fd, const std::string &data,
                       const std::string &path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return Status::error(path + ": write failed (" + std::strerror(errno) +
                           ")");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0)
    return Status::error(path + ": fsync failed (" + std::strerror(errno) +
                         ")");
  return Status::ok();
}

std::string parentDir(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

StatusOr<SafetensorsFile> SafetensorsFile::open(const std::string &path) {
  std::vector<uint8_t> bytes;
  MLC_RETURN_IF_ERROR(readAll(path, bytes));
  return parse(std::move(bytes), path);
}

StatusOr<SafetensorsFile> SafetensorsFile::parse(std::vector<uint8_t> bytes,
                                                 const std::string &origin) {
  auto fail = [&](const std::string &m) {
    return Status::error(origin + ": " + m);
  };
  if (bytes.size() < 8)
    return fail("truncated safetensors file (" + std::to_string(bytes.size()) +
                " bytes)");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | bytes[i];
  if (headerSize > kMaxHeaderBytes || headerSize > bytes.size() - 8)
    return fail("safetensors header length " + std::to_string(headerSize) +
                " exceeds the file");
  std::string headerText(reinterpret_cast<const char *>(bytes.data() + 8),
                         headerSize);
  nlohmann::json header = nlohmann::json::parse(headerText, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    return fail("safetensors header is not a JSON object");

  SafetensorsFile file;
  file.path_ = origin;
  uint64_t dataStart = 8 + headerSize;
  uint64_t dataSize = bytes.size() - dataStart;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const nlohmann::json &info = it.value();
    if (it.key() == "__metadata__") {
      if (!info.is_object())
        return fail("__metadata__ is not an object");
      for (auto m = info.begin(); m != info.end(); ++m)
        if (m.value().is_string())
          file.metadata_[m.key()] = m.value().get<std::string>();
      continue;
    }
    std::string where = "tensor '" + it.key() + "'";
    if (!info.is_object() || !info.contains("dtype") ||
        !info.contains("shape") || !info.contains("data_offsets") ||
        !info["dtype"].is_string() || !info["shape"].is_array() ||
        !info["data_offsets"].is_array() || info["data_offsets"].size() != 2)
      return fail(where + " needs dtype, shape and data_offsets [begin, end]");
    SafetensorsEntry entry;
    entry.name = it.key();
    std::string dtype = info["dtype"].get<std::string>();
    if (!parseDType(dtype, entry.desc.dtype))
      return fail(
          where + " has dtype " + dtype +
          ", which mlc does not support (F32, F64, BF16, F16, I32, I64, "
          "BOOL)");
    uint64_t elements = 1;
    for (const auto &d : info["shape"]) {
      if (!d.is_number_unsigned() || d.get<uint64_t>() > (uint64_t(1) << 40))
        return fail(where + " has an invalid dimension");
      uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && elements > (uint64_t(1) << 40) / dim)
        return fail(where + " is too large");
      elements *= dim;
      entry.desc.shape.push_back(static_cast<int64_t>(dim));
    }
    const auto &offsets = info["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      return fail(where + " has invalid data_offsets");
    uint64_t begin = offsets[0].get<uint64_t>(),
             end = offsets[1].get<uint64_t>();
    if (begin > end || end > dataSize)
      return fail(where + " data [" + std::to_string(begin) + ", " +
                  std::to_string(end) + ") lies outside the " +
                  std::to_string(dataSize) + " data bytes");
    uint64_t expected = elements * dtypeSize(entry.desc.dtype);
    if (end - begin != expected)
      return fail(where + " has " + std::to_string(end - begin) +
                  " bytes but shape " + entry.desc.str() + " needs " +
                  std::to_string(expected));
    entry.data = reinterpret_cast<const uint8_t *>(dataStart + begin);
    file.entries_.push_back(std::move(entry));
  }
  file.bytes_ = std::move(bytes);
  for (SafetensorsEntry &e : file.entries_)
    e.data = file.bytes_.data() + reinterpret_cast<uintptr_t>(e.data);
  return file;
}

const SafetensorsEntry *SafetensorsFile::find(const std::string &name) const {
  for (const SafetensorsEntry &e : entries_)
    if (e.name == name)
      return &e;
  return nullptr;
}

std::string SafetensorsFile::listing() const {
  std::string s;
  for (const SafetensorsEntry &e : entries_)
    s += (s.empty() ? "" : ", ") + e.name + " (" + e.desc.str() + ")";
  return s.empty() ? "no tensors" : s;
}

Status writeSafetensors(const std::string &path,
                        const std::vector<TensorToWrite> &tensors,
                        const std::map<std::string, std::string> &metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const TensorToWrite &t : tensors) {
    uint64_t size = t.desc.byteSize();
    header[t.name] = {{"dtype", safetensorsDType(t.desc.dtype)},
                      {"shape", t.desc.shape},
                      {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string headerText = header.dump();
  while (headerText.size() % 8 != 0)
    headerText.push_back(' ');
  std::string out(8, '\0');
  uint64_t n = headerText.size();
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out += headerText;
  for (const TensorToWrite &t : tensors)
    out.append(static_cast<const char *>(t.data), t.desc.byteSize());

  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::error(path + ": cannot create " + tmp + " (" +
                         std::strerror(errno) + ")");
  Status written = writeAllAndSync(fd, out, tmp);
  ::close(fd);
  if (!written.isOk()) {
    ::unlink(tmp.c_str());
    return written;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Status::error(path + ": cannot rename " + tmp + " into place (" +
                             std::strerror(errno) + ")");
    ::unlink(tmp.c_str());
    return s;
  }
  // Make the rename itself durable.
  int dir = ::open(parentDir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::ok();
}

} // namespace mlc::rt
