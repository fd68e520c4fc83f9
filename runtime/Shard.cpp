// Sharded state: a rank's piece of a whole tensor.
#include "runtime/Shard.h"

#include <cstring>
#include <numeric>
#include <set>

namespace mlc::rt {

namespace {

int64_t product(const std::vector<int64_t> &shape, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to; ++i)
    p *= shape[i];
  return p;
}

} // namespace

StatusOr<std::vector<int64_t>>
shardPieceShape(const fb::Shard &shard, const std::vector<uint32_t> &meshSizes,
                const std::string &what) {
  std::vector<int64_t> shape;
  if (shard.shape())
    shape.assign(shard.shape()->begin(), shard.shape()->end());
  // The whole tensor is held by no rank; still, its size must be sane.
  constexpr int64_t kMaxElements = int64_t(1) << 40;
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (d <= 0)
      return Status::error(what +
                           " is a piece of a whole tensor with dimension " +
                           std::to_string(d));
    if (elements > kMaxElements / d)
      return Status::error(what + " is a piece of a whole tensor that is too "
                                  "large");
    elements *= d;
  }
  if (!shard.steps() || shard.steps()->size() == 0)
    return Status::error(what + " is sharded by no step");
  for (uint32_t i = 0; i < shard.steps()->size(); ++i) {
    const fb::ShardStep &step = *shard.steps()->Get(i);
    std::string at = what + ": shard step " + std::to_string(i);
    if (step.axis() >= meshSizes.size())
      return Status::error(at + " runs over mesh axis " +
                           std::to_string(step.axis()) + ", but the mesh has " +
                           std::to_string(meshSizes.size()) +
                           (meshSizes.size() == 1 ? " axis" : " axes"));
    int64_t n = meshSizes[step.axis()];
    if (step.kind() == fb::ShardStepKind::flat) {
      shape = {(product(shape, 0, shape.size()) + n - 1) / n};
      continue;
    }
    if (step.kind() != fb::ShardStepKind::split)
      return Status::error(at + " is of unknown kind " +
                           std::to_string(static_cast<int>(step.kind())));
    if (step.dim() >= shape.size())
      return Status::error(at + " splits dim " + std::to_string(step.dim()) +
                           " of a " + std::to_string(shape.size()) +
                           "-d tensor");
    int64_t parts = static_cast<int64_t>(step.blocks()) * n;
    if (step.blocks() == 0 || shape[step.dim()] % parts != 0)
      return Status::error(at + " splits dim " + std::to_string(step.dim()) +
                           " of extent " + std::to_string(shape[step.dim()]) +
                           " into " + std::to_string(step.blocks()) + " x " +
                           std::to_string(n) +
                           " parts, which do not divide it");
    shape[step.dim()] /= n;
  }
  return shape;
}

std::vector<uint32_t> shardAxes(const fb::Shard &shard) {
  std::set<uint32_t> axes;
  if (shard.steps())
    for (const fb::ShardStep *step : *shard.steps())
      axes.insert(step->axis());
  return {axes.begin(), axes.end()};
}

std::vector<uint32_t> meshCoordinates(const std::vector<uint32_t> &meshSizes,
                                      size_t rank) {
  std::vector<uint32_t> coords(meshSizes.size());
  for (size_t i = meshSizes.size(); i-- > 0;) {
    coords[i] = static_cast<uint32_t>(rank % meshSizes[i]);
    rank /= meshSizes[i];
  }
  return coords;
}

std::vector<int64_t> shardPieceIndices(const fb::Shard &shard,
                                       const std::vector<uint32_t> &meshSizes,
                                       const std::vector<uint32_t> &coords) {
  std::vector<int64_t> shape;
  if (shard.shape())
    shape.assign(shard.shape()->begin(), shard.shape()->end());
  std::vector<int64_t> index(product(shape, 0, shape.size()));
  std::iota(index.begin(), index.end(), int64_t(0));
  for (const fb::ShardStep *step : *shard.steps()) {
    int64_t n = meshSizes[step->axis()], c = coords[step->axis()];
    std::vector<int64_t> next;
    if (step->kind() == fb::ShardStepKind::flat) {
      int64_t numel = static_cast<int64_t>(index.size());
      int64_t chunk = (numel + n - 1) / n;
      next.assign(chunk, -1);
      for (int64_t k = 0; k < chunk && c * chunk + k < numel; ++k)
        next[k] = index[c * chunk + k];
      shape = {chunk};
    } else {
      // dim viewed as [blocks, n, part]: keep [:, c, :].
      size_t dim = step->dim();
      int64_t outer = product(shape, 0, dim);
      int64_t inner = product(shape, dim + 1, shape.size());
      int64_t extent = shape[dim], blocks = step->blocks();
      int64_t part = extent / (blocks * n);
      next.reserve(index.size() / n);
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t b = 0; b < blocks; ++b)
          for (int64_t j = 0; j < part; ++j) {
            int64_t row = (b * n + c) * part + j;
            const int64_t *from = &index[(o * extent + row) * inner];
            next.insert(next.end(), from, from + inner);
          }
      shape[dim] = extent / n;
    }
    index = std::move(next);
  }
  return index;
}

void takePiece(const void *whole, void *piece,
               const std::vector<int64_t> &indices, size_t elementBytes) {
  const auto *from = static_cast<const unsigned char *>(whole);
  auto *to = static_cast<unsigned char *>(piece);
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] < 0)
      std::memset(to + i * elementBytes, 0, elementBytes);
    else
      std::memcpy(to + i * elementBytes, from + indices[i] * elementBytes,
                  elementBytes);
  }
}

void placePiece(const void *piece, void *whole,
                const std::vector<int64_t> &indices, size_t elementBytes) {
  const auto *from = static_cast<const unsigned char *>(piece);
  auto *to = static_cast<unsigned char *>(whole);
  for (size_t i = 0; i < indices.size(); ++i)
    if (indices[i] >= 0)
      std::memcpy(to + indices[i] * elementBytes, from + i * elementBytes,
                  elementBytes);
}

} // namespace mlc::rt
