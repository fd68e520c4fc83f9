// Shape arithmetic shared by the verifiers, autodiff and the backends.
#include "ir/Broadcast.h"

#include "llvm/ADT/STLExtras.h"

namespace mlc {

std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  llvm::SmallVector<int64_t> result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    result[rank - 1 - i] = da == 1 ? db : da;
  }
  return result;
}

bool isBroadcastableTo(llvm::ArrayRef<int64_t> from,
                       llvm::ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[offset + i])
      return false;
  return true;
}

std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  llvm::interleave(
      shape, [&](int64_t d) { s += std::to_string(d); }, [&] { s += "x"; });
  return s;
}

int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string checkTensorSize(mlir::RankedTensorType type) {
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return "";
  for (int64_t d : type.getShape())
    if (d == 0)
      return "has a dimension of size 0; mlc does not support empty tensors";
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  uint64_t bytes = (bits + 7) / 8;
  for (int64_t d : type.getShape()) {
    if (bytes > kMaxTensorBytes / static_cast<uint64_t>(d))
      return "needs more than 2^40 bytes, the largest tensor mlc supports";
    bytes *= static_cast<uint64_t>(d);
  }
  return "";
}

llvm::SmallVector<int64_t> broadcastAxes(llvm::ArrayRef<int64_t> from,
                                         llvm::ArrayRef<int64_t> to) {
  llvm::SmallVector<int64_t> axes;
  size_t offset = to.size() - from.size();
  for (size_t i = 0; i < to.size(); ++i)
    if (i < offset || (from[i - offset] == 1 && to[i] != 1))
      axes.push_back(static_cast<int64_t>(i));
  return axes;
}

} // namespace mlc
