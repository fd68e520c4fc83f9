// Safetensors on the compiler side: a verifying reader and a writer.
#include "frontend/Safetensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

namespace mlc {

namespace {

/// Bytes per element of the dtypes the format defines, 0 if unknown.
size_t elementSize(llvm::StringRef dtype) {
  return llvm::StringSwitch<size_t>(dtype)
      .Cases({"F64", "I64", "U64"}, 8)
      .Cases({"F32", "I32", "U32"}, 4)
      .Cases({"F16", "BF16", "I16", "U16"}, 2)
      .Cases({"I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2"}, 1)
      .Default(0);
}

llvm::Error fileError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + message);
}

/// IEEE half to float, subnormals, infinities and NaNs included.
float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000 | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // Subnormal: normalize the mantissa.
    exponent = 113;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

} // namespace

int64_t SafetensorsTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string SafetensorsTensor::describe() const {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "] " + dtype;
}

llvm::Expected<SafetensorsReader>
SafetensorsReader::open(llvm::StringRef path) {
  SafetensorsReader reader;
  reader.path_ = path.str();
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, buffer.getError().message());
  reader.buffer_ = std::move(*buffer);
  llvm::StringRef bytes = reader.buffer_->getBuffer();
  if (bytes.size() < 8)
    return fileError(path,
                     "not a safetensors file: " + llvm::Twine(bytes.size()) +
                         " bytes, shorter than the 8-byte header length");
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = headerSize << 8 | uint8_t(bytes[i]);
  if (headerSize > bytes.size() - 8)
    return fileError(path, "not a safetensors file: the header length " +
                               llvm::Twine(headerSize) + " exceeds the " +
                               llvm::Twine(bytes.size() - 8) +
                               " bytes after it");
  llvm::StringRef header = bytes.substr(8, headerSize);
  llvm::StringRef data = bytes.drop_front(8 + headerSize);
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(header);
  if (!json)
    return fileError(path, "the header is not JSON: " +
                               llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return fileError(path, "the header is not a JSON object");

  // Sorted by name, so that the order (and the first error) does not
  // depend on the hash map's.
  std::vector<std::pair<std::string, const llvm::json::Value *>> entries;
  for (const auto &[key, value] : *root)
    entries.emplace_back(key.str(), &value);
  llvm::sort(entries,
             [](const auto &a, const auto &b) { return a.first < b.first; });
  for (const auto &[name, value] : entries) {
    const llvm::json::Object *info = value->getAsObject();
    if (name == "__metadata__") {
      if (!info)
        return fileError(path, "__metadata__ is not a JSON object");
      for (const auto &[key, item] : *info) {
        auto text = item.getAsString();
        if (!text)
          return fileError(path, "__metadata__ entry '" + key.str() +
                                     "' is not a string");
        reader.metadata_[key.str()] = text->str();
      }
      continue;
    }
    auto bad = [&](const llvm::Twine &why) {
      return fileError(path, "tensor '" + name + "': " + why);
    };
    if (!info)
      return bad("its header entry is not a JSON object");
    SafetensorsTensor tensor;
    tensor.name = name;
    auto dtype = info->getString("dtype");
    if (!dtype)
      return bad("no dtype string");
    tensor.dtype = dtype->str();
    size_t size = elementSize(tensor.dtype);
    if (!size)
      return bad("unknown dtype '" + tensor.dtype + "'");
    const llvm::json::Array *shape = info->getArray("shape");
    if (!shape)
      return bad("no shape array");
    uint64_t count = 1;
    bool overflow = false;
    for (const llvm::json::Value &d : *shape) {
      auto dim = d.getAsInteger();
      if (!dim || *dim < 0)
        return bad("the shape holds something other than a non-negative "
                   "integer");
      tensor.shape.push_back(*dim);
      count = llvm::SaturatingMultiply(count, uint64_t(*dim), &overflow);
    }
    const llvm::json::Array *offsets = info->getArray("data_offsets");
    if (!offsets || offsets->size() != 2 || !(*offsets)[0].getAsInteger() ||
        !(*offsets)[1].getAsInteger())
      return bad("data_offsets is not a pair of integers");
    int64_t begin = *(*offsets)[0].getAsInteger();
    int64_t end = *(*offsets)[1].getAsInteger();
    if (begin < 0 || end < begin || uint64_t(end) > data.size())
      return bad("data_offsets [" + llvm::Twine(begin) + ", " +
                 llvm::Twine(end) + "] lie outside the " +
                 llvm::Twine(data.size()) + " bytes of data");
    uint64_t expected =
        llvm::SaturatingMultiply(count, uint64_t(size), &overflow);
    if (overflow || expected != uint64_t(end - begin))
      return bad(llvm::Twine(end - begin) + " bytes of data for shape " +
                 tensor.describe() + ", which needs " +
                 (overflow ? std::string("more than 2^64")
                           : std::to_string(expected)));
    tensor.bytes = llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(data.data()) + begin, end - begin);
    reader.tensors_.push_back(std::move(tensor));
  }
  return std::move(reader);
}

const SafetensorsTensor *SafetensorsReader::find(llvm::StringRef name) const {
  for (const SafetensorsTensor &t : tensors_)
    if (t.name == name)
      return &t;
  return nullptr;
}

llvm::Expected<std::vector<float>> toFloat32(const SafetensorsTensor &tensor) {
  size_t n = static_cast<size_t>(tensor.numElements());
  std::vector<float> values(n);
  const uint8_t *p = tensor.bytes.data();
  if (tensor.dtype == "F32") {
    std::memcpy(values.data(), p, n * 4);
  } else if (tensor.dtype == "F16" || tensor.dtype == "BF16") {
    bool brain = tensor.dtype == "BF16";
    for (size_t i = 0; i < n; ++i) {
      uint16_t h = uint16_t(p[2 * i] | p[2 * i + 1] << 8);
      if (brain) {
        uint32_t bits = uint32_t(h) << 16;
        std::memcpy(&values[i], &bits, sizeof bits);
      } else {
        values[i] = halfToFloat(h);
      }
    }
  } else {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "tensor '" + tensor.name + "' is " +
                                       tensor.dtype +
                                       "; weights must be F32, F16 or BF16");
  }
  return values;
}

std::string
serializeSafetensors(llvm::ArrayRef<Float32Tensor> tensors,
                     const std::map<std::string, std::string> &metadata) {
  std::string header;
  llvm::raw_string_ostream os(header);
  llvm::json::OStream json(os);
  uint64_t offset = 0;
  json.object([&] {
    if (!metadata.empty())
      json.attributeObject("__metadata__", [&] {
        for (const auto &[key, value] : metadata)
          json.attribute(key, value);
      });
    for (const Float32Tensor &t : tensors) {
      uint64_t bytes = t.values.size() * sizeof(float);
      json.attributeObject(t.name, [&] {
        json.attribute("dtype", "F32");
        json.attributeArray("shape", [&] {
          for (int64_t d : t.shape)
            json.value(d);
        });
        json.attributeArray("data_offsets", [&] {
          json.value(int64_t(offset));
          json.value(int64_t(offset + bytes));
        });
      });
      offset += bytes;
    }
  });
  os.flush();
  // Pad the header with spaces so that the data start 8-byte aligned.
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + header.size() + offset);
  uint64_t size = header.size();
  for (int i = 0; i < 8; ++i)
    out.push_back(char(size >> (8 * i) & 0xff));
  out += header;
  for (const Float32Tensor &t : tensors)
    out.append(reinterpret_cast<const char *>(t.values.data()),
               t.values.size() * sizeof(float));
  return out;
}

} // namespace mlc
