// Verifiers of the KV-cache ops (ir/MlcCacheOps.td).
#include "ir/Broadcast.h"
#include "ir/MlcOps.h"

using namespace mlir;
using namespace mlc;

int64_t CacheWriteOp::getNormalizedAxis() {
  int64_t axis = static_cast<int64_t>(getAxis());
  return axis < 0 ? axis + getCache().getType().getRank() : axis;
}

LogicalResult CacheWriteOp::verify() {
  auto cache = getCache().getType();
  auto value = getValue().getType();
  auto position = getPosition().getType();
  int64_t rank = cache.getRank();
  // I64Attr reads back as uint64_t: convert before testing the sign.
  int64_t axis = static_cast<int64_t>(getAxis());
  if (rank == 0)
    return emitOpError("cache must have at least one dimension, found ")
           << cache;
  if (axis < -rank || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for the cache "
                                << cache << " of rank " << rank;
  axis = getNormalizedAxis();
  if (getType() != cache)
    return emitOpError("result must have the cache's type ")
           << cache << ", found " << getType();
  if (value.getElementType() != cache.getElementType())
    return emitOpError("new values must have the cache's element type ")
           << cache.getElementType() << ", found " << value.getElementType();
  if (value.getRank() != rank)
    return emitOpError("new values must have the cache's rank ")
           << rank << ", found " << value;
  for (int64_t d = 0; d < rank; ++d) {
    if (d == axis) {
      if (value.getDimSize(d) > cache.getDimSize(d))
        return emitOpError("new values have ")
               << value.getDimSize(d) << " slices along axis " << axis
               << ", more than the cache's extent " << cache.getDimSize(d);
      continue;
    }
    if (value.getDimSize(d) != cache.getDimSize(d))
      return emitOpError("new values ")
             << formatShape(value.getShape()) << " must match the cache "
             << formatShape(cache.getShape()) << " in every dimension but axis "
             << axis << " (dimension " << d << " differs)";
  }
  if (position.getRank() != 0)
    return emitOpError("position must be an integer scalar (tensor<i64> or "
                       "tensor<i32>), found ")
           << position;
  return success();
}
