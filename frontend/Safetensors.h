// Safetensors on the compiler side: a verifying reader and a writer of the
// bytes, for the checkpoint importer and exporter (the runtime keeps its own
// reader: it links no LLVM, and the compiler links no runtime).
#ifndef MLC_FRONTEND_SAFETENSORS_H
#define MLC_FRONTEND_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlc {

/// One tensor of a safetensors file: its dtype code as the file spells it
/// ("F32", "BF16", ...), shape and bytes (into the file's buffer).
struct SafetensorsTensor {
  std::string name;
  std::string dtype;
  llvm::SmallVector<int64_t, 4> shape;
  llvm::ArrayRef<uint8_t> bytes;

  int64_t numElements() const;
  /// "[64, 16] F32".
  std::string describe() const;
};

/// A safetensors file, verified on open: the header length fits, the header
/// is a JSON object of tensors with known dtypes, non-negative shapes and
/// byte ranges inside the data that match their shapes.
class SafetensorsReader {
public:
  /// Errors start with `path`.
  static llvm::Expected<SafetensorsReader> open(llvm::StringRef path);

  const std::string &path() const { return path_; }
  const std::vector<SafetensorsTensor> &tensors() const { return tensors_; }
  const SafetensorsTensor *find(llvm::StringRef name) const;
  const std::map<std::string, std::string> &metadata() const {
    return metadata_;
  }

private:
  std::string path_;
  std::unique_ptr<llvm::MemoryBuffer> buffer_;
  std::vector<SafetensorsTensor> tensors_;
  std::map<std::string, std::string> metadata_;
};

/// The values of an F32, F16 or BF16 tensor as floats (exactly: every f16
/// and bf16 value is an f32 value); other dtypes are an error naming the
/// tensor.
llvm::Expected<std::vector<float>> toFloat32(const SafetensorsTensor &tensor);

/// An f32 tensor to write.
struct Float32Tensor {
  std::string name;
  llvm::SmallVector<int64_t, 4> shape;
  std::vector<float> values;
};

/// The bytes of a safetensors file holding `tensors` (F32, in this order)
/// and string `metadata`.
std::string
serializeSafetensors(llvm::ArrayRef<Float32Tensor> tensors,
                     const std::map<std::string, std::string> &metadata);

} // namespace mlc

#endif // MLC_FRONTEND_SAFETENSORS_H
