// Sharded state: the piece of a whole tensor a rank holds (fb::Shard), and
// the maps between the two that initialization and checkpoints use.
#ifndef MLC_RUNTIME_SHARD_H
#define MLC_RUNTIME_SHARD_H

#include "runtime/Status.h"
#include "runtime/format/Format.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlc::rt {

/// The shape of the piece `shard` takes from its whole shape over a mesh of
/// `meshSizes`, or an error naming the step that cannot apply (an axis the
/// mesh lacks, a dim the tensor lacks, an extent that does not divide).
/// `what` names the buffer in errors.
StatusOr<std::vector<int64_t>>
shardPieceShape(const fb::Shard &shard, const std::vector<uint32_t> &meshSizes,
                const std::string &what);

/// The coordinates of `rank` on each axis of the mesh (row-major: the last
/// axis varies fastest).
/// The mesh axes `shard` splits over (increasing, each once): the group
/// of ranks whose pieces make up one whole tensor.
std::vector<uint32_t> shardAxes(const fb::Shard &shard);

std::vector<uint32_t> meshCoordinates(const std::vector<uint32_t> &meshSizes,
                                      size_t rank);

/// For each element of the piece the rank at `coords` holds, the row-major
/// index of the whole tensor's element it is, or -1 for padding (zero). The
/// shard must have passed shardPieceShape.
std::vector<int64_t> shardPieceIndices(const fb::Shard &shard,
                                       const std::vector<uint32_t> &meshSizes,
                                       const std::vector<uint32_t> &coords);

/// piece[i] = whole[indices[i]] (zero for padding), elements of
/// `elementBytes` bytes.
void takePiece(const void *whole, void *piece,
               const std::vector<int64_t> &indices, size_t elementBytes);
/// whole[indices[i]] = piece[i] for every element that is not padding.
void placePiece(const void *piece, void *whole,
                const std::vector<int64_t> &indices, size_t elementBytes);

} // namespace mlc::rt

#endif // MLC_RUNTIME_SHARD_H
