// Reading and atomically writing safetensors files.
#include "runtime/Safetensors.h"

#include <nlohmann/json.hpp>

#include <cstring>

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

/// Deepest nesting a safetensors header needs is 3 (header, tensor, shape);
/// more is refused before anything is built.
constexpr int kMaxHeaderDepth = 8;
/// More JSON values than any real header holds (a tensor takes about 6).
constexpr uint64_t kMaxHeaderValues = 10'000'000;

/// A first pass over the header that builds nothing: it counts values and
/// nesting so that a crafted header ("[[[[..." or a million-entry shape)
/// cannot make the parser allocate gigabytes for 100 MB of text.
class HeaderBounds : public nlohmann::json_sax<nlohmann::json> {
public:
  enum class Verdict { Fine, Invalid, TooDeep, TooMany };
  Verdict verdict = Verdict::Fine;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t &) override {
    return value();
  }
  bool string(string_t &) override { return value(); }
  bool binary(binary_t &) override { return value(); }
  bool key(string_t &) override { return true; }
  bool start_object(std::size_t) override { return open(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string &,
                   const nlohmann::json::exception &) override {
    verdict = Verdict::Invalid;
    return false;
  }

private:
  bool value() {
    if (++values_ <= kMaxHeaderValues)
      return true;
    verdict = Verdict::TooMany;
    return false;
  }
  bool open() {
    if (++depth_ <= kMaxHeaderDepth)
      return value();
    verdict = Verdict::TooDeep;
    return false;
  }
  bool close() {
    --depth_;
    return true;
  }

  int depth_ = 0;
  uint64_t values_ = 0;
};

/// Verifies the header of the `size` bytes at `data` and lists its tensors
/// (pointing into `data`) and string metadata.
Status indexHeader(const uint8_t *data, size_t size, const std::string &origin,
                   std::vector<SafetensorsEntry> &entries,
                   std::map<std::string, std::string> &metadata) {
  auto fail = [&](const std::string &m) {
    return Status::error(origin + ": " + m);
  };
  if (size < 8)
    return fail("truncated safetensors file (" + std::to_string(size) +
                " bytes)");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | data[i];
  // Checked against the file before a byte of the header is read.
  if (headerSize > kMaxHeaderBytes || headerSize > size - 8)
    return fail("safetensors header length " + std::to_string(headerSize) +
                " exceeds the file");
  const char *headerBegin = reinterpret_cast<const char *>(data + 8);
  const char *headerEnd = headerBegin + headerSize;
  HeaderBounds bounds;
  nlohmann::json::sax_parse(headerBegin, headerEnd, &bounds);
  if (bounds.verdict == HeaderBounds::Verdict::TooDeep)
    return fail("safetensors header nests deeper than " +
                std::to_string(kMaxHeaderDepth) + " levels");
  if (bounds.verdict == HeaderBounds::Verdict::TooMany)
    return fail("safetensors header holds more than " +
                std::to_string(kMaxHeaderValues) + " values");
  nlohmann::json header =
      nlohmann::json::parse(headerBegin, headerEnd, nullptr, false);
  if (header.is_discarded() || !header.is_object())
    return fail("safetensors header is not a JSON object");

  uint64_t dataStart = 8 + headerSize;
  uint64_t dataSize = size - dataStart;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const nlohmann::json &info = it.value();
    if (it.key() == "__metadata__") {
      if (!info.is_object())
        return fail("__metadata__ is not an object");
      for (auto m = info.begin(); m != info.end(); ++m)
        if (m.value().is_string())
          metadata[m.key()] = m.value().get<std::string>();
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
    entry.data = data + dataStart + begin;
    entries.push_back(std::move(entry));
  }
  return Status::ok();
}

} // namespace

StatusOr<SafetensorsFile> SafetensorsFile::open(const std::string &path) {
  StatusOr<MappedFile> mapped = MappedFile::open(path);
  if (!mapped.isOk())
    return mapped.status();
  SafetensorsFile file;
  file.path_ = path;
  file.mapped_ = std::move(mapped).value();
  MLC_RETURN_IF_ERROR(file.index(file.mapped_.data(), file.mapped_.size()));
  return file;
}

StatusOr<SafetensorsFile> SafetensorsFile::parse(std::vector<uint8_t> bytes,
                                                 const std::string &origin) {
  SafetensorsFile file;
  file.path_ = origin;
  file.owned_ = std::move(bytes);
  MLC_RETURN_IF_ERROR(file.index(file.owned_.data(), file.owned_.size()));
  return file;
}

Status SafetensorsFile::index(const uint8_t *data, size_t size) {
  // The header can hold millions of JSON values; running out of memory on
  // it is an error like any other, not an exception.
  try {
    return indexHeader(data, size, path_, entries_, metadata_);
  } catch (const std::bad_alloc &) {
    return Status::outOfMemory(path_ + ": out of memory reading the "
                                       "safetensors header");
  } catch (const std::length_error &) {
    return Status::outOfMemory(path_ + ": out of memory reading the "
                                       "safetensors header");
  }
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
    if (t.name == "__metadata__")
      return Status::error(path + ": '__metadata__' cannot name a tensor");
    if (header.contains(t.name))
      return Status::error(path + ": two tensors are named '" + t.name + "'");
    uint64_t size = t.desc.byteSize();
    header[t.name] = {{"dtype", safetensorsDType(t.desc.dtype)},
                      {"shape", t.desc.shape},
                      {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string headerText;
  try {
    headerText = header.dump();
  } catch (const nlohmann::json::exception &e) {
    // dump() throws on strings that are not UTF-8; replacing bytes would
    // write names that no longer match the model's.
    return Status::error(path +
                         ": a tensor name or metadata value is not "
                         "valid UTF-8 (" +
                         e.what() + ")");
  }
  while (headerText.size() % 8 != 0)
    headerText.push_back(' ');
  std::string lengthBytes(8, '\0');
  uint64_t n = headerText.size();
  for (int i = 0; i < 8; ++i)
    lengthBytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);

  // Tensors go straight from their buffers to the file: no copy of the
  // whole checkpoint in memory.
  StatusOr<AtomicFileWriter> out = AtomicFileWriter::create(path);
  if (!out.isOk())
    return out.status();
  MLC_RETURN_IF_ERROR(out->write(lengthBytes.data(), lengthBytes.size()));
  MLC_RETURN_IF_ERROR(out->write(headerText.data(), headerText.size()));
  for (const TensorToWrite &t : tensors)
    MLC_RETURN_IF_ERROR(out->write(t.data, t.desc.byteSize()));
  return out->commit();
}

} // namespace mlc::rt
