// A session: one rank's buffers on a device, ready to run entry points.
#include "runtime/Session.h"

#include "runtime/Arenas.h"
#include "runtime/Init.h"
#include "runtime/Shard.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

namespace mlc::rt {

namespace {

// Kernels may allocate scratch space sized by their shapes; a failure there
// is reported as a Status, never as an exception out of the runtime.

Status allocationFailure(const std::exception &e) {
  return Status::outOfMemory(std::string("out of host memory (") + e.what() +
                             ")");
}

StatusOr<std::unique_ptr<PreparedCommand>>
prepareCatching(Device &device, const fb::Kernel &kernel,
                const std::vector<TensorRef> &operands,
                const std::vector<TensorRef> &results,
                const CommandContext &context) {
  try {
    return device.prepare(kernel, operands, results, context);
  } catch (const std::bad_alloc &e) {
    return allocationFailure(e);
  } catch (const std::length_error &e) {
    return allocationFailure(e);
  }
}

/// A copy command: the loader checked that both buffers have one dtype and
/// shape, and the plan that their slices do not overlap.
class CopyCommand final : public PreparedCommand {
public:
  CopyCommand(Device &device, void *target, const void *source, size_t bytes)
      : device_(device), target_(target), source_(source), bytes_(bytes) {}
  Status run() override { return device_.copy(target_, source_, bytes_); }

private:
  Device &device_;
  void *target_;
  const void *source_;
  size_t bytes_;
};

/// A collective on its group's channel. A bucket of several buffers (of an
/// all-reduce or a reduce-scatter) is packed into one staging block of
/// device memory, reduced there in one call and unpacked, as PyTorch DDP's
/// buckets are; one buffer goes to the channel as it is.
class CollectiveCommand final : public PreparedCommand {
public:
  CollectiveCommand(Device &device, Channel &channel,
                    const fb::Collective &collective,
                    std::vector<TensorRef> operands,
                    std::vector<TensorRef> results, void *staging,
                    size_t stagingBytes)
      : device_(device), channel_(channel), kind_(collective.kind()),
        reduction_(collective.reduction()),
        root_(static_cast<int>(collective.root())),
        peer_(static_cast<int>(collective.peer())),
        operands_(std::move(operands)), results_(std::move(results)),
        staging_(staging), stagingBytes_(stagingBytes) {}
  ~CollectiveCommand() override {
    if (staging_)
      device_.release(staging_);
  }

  Status run() override {
    switch (kind_) {
    case fb::CollectiveKind::all_reduce:
      return allReduce();
    case fb::CollectiveKind::reduce_scatter:
      return reduceScatter();
    case fb::CollectiveKind::all_gather:
      return channel_.allGather(operands_[0].data, results_[0].data,
                                elements(operands_[0]), dtype());
    case fb::CollectiveKind::broadcast:
      if (operands_[0].data != results_[0].data)
        MLC_RETURN_IF_ERROR(device_.copy(results_[0].data, operands_[0].data,
                                         operands_[0].desc->byteSize()));
      return channel_.broadcast(results_[0].data, elements(results_[0]),
                                dtype(), root_);
    case fb::CollectiveKind::send:
      return channel_.send(operands_[0].data, operands_[0].desc->byteSize(),
                           peer_);
    case fb::CollectiveKind::recv:
      return channel_.recv(results_[0].data, results_[0].desc->byteSize(),
                           peer_);
    case fb::CollectiveKind::all_slice: {
      // Nothing moves between ranks: this rank keeps its part.
      size_t part = results_[0].desc->byteSize();
      return device_.copy(results_[0].data,
                          static_cast<const uint8_t *>(operands_[0].data) +
                              static_cast<size_t>(channel_.rank()) * part,
                          part);
    }
    }
    return Status::internal("a collective of unknown kind");
  }

private:
  static size_t elements(const TensorRef &t) {
    return static_cast<size_t>(t.desc->numElements());
  }
  DType dtype() const {
    return (operands_.empty() ? results_ : operands_)[0].desc->dtype;
  }

  Status allReduce() {
    if (!staging_)
      return channel_.allReduce(operands_[0].data, results_[0].data,
                                elements(operands_[0]), dtype(), reduction_);
    uint8_t *block = static_cast<uint8_t *>(staging_);
    size_t at = 0;
    for (const TensorRef &in : operands_) {
      MLC_RETURN_IF_ERROR(
          device_.copy(block + at, in.data, in.desc->byteSize()));
      at += in.desc->byteSize();
    }
    MLC_RETURN_IF_ERROR(channel_.allReduce(
        block, block, stagingBytes_ / dtypeSize(dtype()), dtype(), reduction_));
    at = 0;
    for (const TensorRef &out : results_) {
      MLC_RETURN_IF_ERROR(
          device_.copy(out.data, block + at, out.desc->byteSize()));
      at += out.desc->byteSize();
    }
    return Status::ok();
  }

  /// A bucket is packed so that one call covers it: the block holds the
  /// group's size segments, segment r the parts r of every operand in
  /// order, so that the part of the reduction a rank gets is its part of
  /// each operand, unpacked from the block's tail into the results.
  Status reduceScatter() {
    if (!staging_)
      return channel_.reduceScatter(operands_[0].data, results_[0].data,
                                    elements(results_[0]), dtype(), reduction_);
    size_t groupSize = static_cast<size_t>(channel_.size());
    size_t segment = stagingBytes_ / (groupSize + 1);
    uint8_t *block = static_cast<uint8_t *>(staging_);
    uint8_t *mine = block + groupSize * segment;
    for (size_t r = 0; r < groupSize; ++r) {
      size_t at = r * segment;
      for (const TensorRef &in : operands_) {
        size_t part = in.desc->byteSize() / groupSize;
        MLC_RETURN_IF_ERROR(device_.copy(
            block + at, static_cast<const uint8_t *>(in.data) + r * part,
            part));
        at += part;
      }
    }
    MLC_RETURN_IF_ERROR(channel_.reduceScatter(
        block, mine, segment / dtypeSize(dtype()), dtype(), reduction_));
    size_t at = 0;
    for (const TensorRef &out : results_) {
      MLC_RETURN_IF_ERROR(
          device_.copy(out.data, mine + at, out.desc->byteSize()));
      at += out.desc->byteSize();
    }
    return Status::ok();
  }

  Device &device_;
  Channel &channel_;
  fb::CollectiveKind kind_;
  fb::Reduction reduction_;
  int root_, peer_;
  std::vector<TensorRef> operands_, results_;
  void *staging_;
  size_t stagingBytes_;
};

Status runCatching(PreparedCommand &command) {
  try {
    return command.run();
  } catch (const std::bad_alloc &e) {
    return allocationFailure(e);
  } catch (const std::length_error &e) {
    return allocationFailure(e);
  }
}

} // namespace

StatusOr<std::unique_ptr<Session>>
Session::create(std::shared_ptr<const Executable> executable, size_t rank,
                std::unique_ptr<Device> device, Channel *world) {
  std::string mesh = executable->describeMesh();
  std::string meshText = "a mesh of " + std::to_string(executable->numRanks()) +
                         (executable->numRanks() == 1 ? " rank" : " ranks") +
                         (mesh.empty() ? "" : " (" + mesh + ")");
  if (rank >= executable->numRanks())
    return Status::error("rank " + std::to_string(rank) +
                         " is outside the mesh of " +
                         std::to_string(executable->numRanks()) + " ranks");
  if (world && static_cast<size_t>(world->size()) != executable->numRanks())
    return Status::error("the " + std::string(world->name()) +
                         " communicator has " + std::to_string(world->size()) +
                         (world->size() == 1 ? " rank" : " ranks") + " but " +
                         executable->origin() + " was compiled for " +
                         meshText);
  if (world && static_cast<size_t>(world->rank()) != rank)
    return Status::internal("session of rank " + std::to_string(rank) +
                            " given the channel of rank " +
                            std::to_string(world->rank()));
  if (!world && executable->numRanks() > 1)
    return Status::error(executable->origin() + " was compiled for " +
                         meshText + "; it needs a communicator of as many");
  std::unique_ptr<Session> s(new Session());
  s->executable_ = std::move(executable);
  s->program_ = &s->executable_->program(rank);
  s->rank_ = rank;
  s->device_ = std::move(device);
  if (!world) {
    s->loopback_ = createLoopbackChannel();
    world = s->loopback_.get();
  }
  s->world_ = world;
  if (std::string(world->deviceName()) != s->device_->name())
    return Status::error("the " + std::string(world->name()) +
                         " communicator exchanges " + world->deviceName() +
                         " memory; it cannot serve the " + s->device_->name() +
                         " device");
  std::string target = s->program_->target()->str();
  if (target != s->device_->name())
    return Status::error(s->executable_->origin() + ": compiled for target '" +
                         target + "', cannot run on the " + s->device_->name() +
                         " device");

  // One block per arena; a buffer is its arena's base plus its offset
  // (the loader checked every slice against its arena).
  uint64_t planned = plannedBytes(*s->program_);
  if (planned > s->device_->memoryCapacity())
    return Status::error(s->executable_->origin() + ": the arenas need " +
                         std::to_string(planned) + " bytes but the " +
                         s->device_->name() + " device has " +
                         std::to_string(s->device_->memoryCapacity()));
  if (s->program_->arenas())
    for (const fb::Arena *arena : *s->program_->arenas()) {
      void *base = nullptr;
      if (arena->size() > 0) {
        StatusOr<void *> mem = s->device_->allocate(arena->size());
        if (!mem.isOk())
          return mem.status();
        base = *mem;
      }
      s->arenas_.push_back(base);
    }
  const auto &buffers = *s->program_->buffers();
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    const fb::Buffer &def = *buffers.Get(i);
    s->descs_.push_back(Executable::bufferDesc(def));
    s->names_.push_back(def.name()->str());
    s->byName_[def.name()->str()] = i;
    s->memory_.push_back(static_cast<uint8_t *>(s->arenas_[def.arena()]) +
                         def.offset());
  }
  StatusOr<void *> word = s->device_->allocate(sizeof(StatusWord));
  if (!word.isOk())
    return word.status();
  s->statusWord_ = static_cast<StatusWord *>(*word);
  for (uint32_t i = 0; i < buffers.size(); ++i)
    if (buffers.Get(i)->role() == fb::BufferRole::constant)
      MLC_RETURN_IF_ERROR(s->writeConstant(i));
  MLC_RETURN_IF_ERROR(s->createGroups(*world));
  MLC_RETURN_IF_ERROR(
      s->prepareEntries().withContext(s->executable_->origin()));
  return s;
}

Status Session::createGroups(Channel &world) {
  // Every rank splits the same groups in the same order: those of every
  // program (a rank that does not run a collective still takes part in
  // splitting its group), sorted.
  std::set<std::vector<uint32_t>> axesSets;
  for (size_t p = 0; p < executable_->numPrograms(); ++p)
    for (const fb::EntryPoint *entry :
         *executable_->programAt(p).entry_points()) {
      if (!entry->commands())
        continue;
      for (const fb::Command *cmd : *entry->commands())
        if (const fb::Collective *c = cmd->body_as_Collective())
          axesSets.insert({c->axes()->begin(), c->axes()->end()});
    }
  // Checkpoints gather sharded state over its shard's axes.
  for (size_t p = 0; p < executable_->numPrograms(); ++p)
    for (const fb::Buffer *b : *executable_->programAt(p).buffers())
      if (b->shard())
        axesSets.insert(shardAxes(*b->shard()));
  for (const std::vector<uint32_t> &axes : axesSets) {
    StatusOr<std::unique_ptr<Channel>> group =
        splitMeshGroup(world, executable_->meshSizes(), axes);
    if (!group.isOk())
      return group.status().withContext(executable_->origin());
    groups_[axes] = std::move(group).value();
  }
  return Status::ok();
}

Status Session::writeConstant(uint32_t buffer) {
  const fb::Buffer &def = bufferDef(buffer);
  const TensorDesc &desc = descs_[buffer];
  // The loader checked the data size: the whole tensor, or one element.
  if (!def.splat())
    return write(buffer, def.data()->data(), def.data()->size());
  size_t element = dtypeSize(desc.dtype);
  std::vector<uint8_t> host(desc.byteSize());
  for (size_t at = 0; at < host.size(); at += element)
    std::memcpy(host.data() + at, def.data()->data(), element);
  return write(buffer, host.data(), host.size());
}

Session::~Session() {
  commThread_.reset();
  entries_.clear();
  if (!device_)
    return;
  for (void *base : arenas_)
    if (base)
      device_->release(base);
  if (statusWord_)
    device_->release(statusWord_);
}

Status Session::prepareEntries() {
  for (const fb::EntryPoint *def : *program_->entry_points()) {
    auto entry = std::make_unique<Entry>();
    entry->name_ = def->name()->str();
    entry->flops_ = def->flops();
    entry->kind_ = def->kind();
    entry->batchSize_ = def->batch_size();
    entry->microBatches_ = def->micro_batches();
    entry->context_ = def->context();
    if (def->batch_axes() && def->batch_axes()->size()) {
      MeshGroup block =
          meshGroup(executable_->meshSizes(),
                    {def->batch_axes()->begin(), def->batch_axes()->end()},
                    static_cast<int>(rank_));
      entry->batchShards_ = static_cast<uint64_t>(block.size);
      entry->batchShard_ = static_cast<uint64_t>(block.position);
    }
    std::string label = "entry point '" + entry->name_ + "'";
    auto bind = [&](const fb::Binding *b, std::vector<BoundBuffer> &into) {
      into.push_back({b->name()->str(), b->buffer(), &descs_[b->buffer()],
                      b->token_window(), b->shift(), b->vocab(),
                      b->position()});
    };
    if (def->inputs())
      for (const fb::Binding *b : *def->inputs()) {
        if (bufferDef(b->buffer()).role() != fb::BufferRole::input)
          return Status::error(label + " input '" + b->name()->str() +
                               "' is bound to a buffer that is not an input");
        const TensorDesc &desc = descs_[b->buffer()];
        if (b->position()) { // a scalar (the loader checked), not batched
          bind(b, entry->inputs_);
          continue;
        }
        if (desc.shape.empty() ||
            static_cast<uint64_t>(desc.shape[0]) != entry->batchSize_)
          return Status::error(label + " input '" + b->name()->str() + "' (" +
                               desc.str() +
                               ") does not lead with the batch "
                               "size " +
                               std::to_string(entry->batchSize_));
        bind(b, entry->inputs_);
      }
    if (def->outputs())
      for (const fb::Binding *b : *def->outputs())
        bind(b, entry->outputs_);

    uint32_t numCommands = def->commands() ? def->commands()->size() : 0;
    entry->firstStateWrite_ = numCommands;
    std::vector<uint32_t> reads, writes;
    for (uint32_t c = 0; c < numCommands; ++c) {
      const fb::Command &cmd = *def->commands()->Get(c);
      std::string where = label + " command " + std::to_string(c);
      // The loader admits dispatches, copies and collectives.
      StatusOr<std::unique_ptr<PreparedCommand>> prepared =
          cmd.body_type() == fb::CommandBody::Copy
              ? prepareCopy(*cmd.body_as_Copy(), entry->profile_, where)
          : cmd.body_type() == fb::CommandBody::Collective
              ? prepareCollective(*cmd.body_as_Collective(), entry->profile_,
                                  where)
              : prepareDispatch(*cmd.body_as_Dispatch(), entry->profile_, where,
                                c);
      if (!prepared.isOk())
        return prepared.status();
      entry->commands_.push_back(std::move(prepared).value());
      entry->commandNames_.push_back(where);
      commandBuffers(cmd, reads, writes);
      std::vector<std::vector<int64_t>> shapes;
      for (uint32_t b : reads)
        shapes.push_back(descs_[b].shape);
      entry->operandShapes_.push_back(std::move(shapes));
      for (uint32_t b : writes)
        if (fb::keepsValues(bufferDef(b).role()))
          entry->firstStateWrite_ =
              std::min<size_t>(entry->firstStateWrite_, c);
    }
    planCollectiveWaits(*entry, *def);
    entries_[entry->name_] = std::move(entry);
  }
  return Status::ok();
}

void Session::planCollectiveWaits(Entry &entry, const fb::EntryPoint &def) {
  size_t numCommands = entry.commands_.size();
  entry.isCollective_.assign(numCommands, false);
  entry.waitFor_.assign(numCommands, -1);
  // The bytes each command names, views included (a view is its base's
  // bytes), so that reuse of an operand's bytes by the plan is seen too.
  using Span = std::pair<const uint8_t *, const uint8_t *>;
  std::vector<std::vector<Span>> spans(numCommands);
  std::vector<uint32_t> reads, writes;
  for (size_t c = 0; c < numCommands; ++c) {
    const fb::Command &cmd = *def.commands()->Get(c);
    entry.isCollective_[c] = cmd.body_type() == fb::CommandBody::Collective;
    commandBuffers(cmd, reads, writes);
    reads.insert(reads.end(), writes.begin(), writes.end());
    for (uint32_t b : reads) {
      const uint8_t *at = static_cast<const uint8_t *>(memory_[b]);
      spans[c].push_back({at, at + descs_[b].byteSize()});
    }
  }
  auto touches = [&](size_t a, size_t b) {
    for (const Span &x : spans[a])
      for (const Span &y : spans[b])
        if (x.first < y.second && y.first < x.second)
          return true;
    return false;
  };
  for (size_t c = 0; c < numCommands; ++c) {
    if (!entry.isCollective_[c])
      continue;
    int64_t ordinal = static_cast<int64_t>(entry.collectives_.size());
    entry.collectives_.push_back(static_cast<uint32_t>(c));
    // Later collectives run after it on the same thread.
    for (size_t later = c + 1; later < numCommands; ++later)
      if (!entry.isCollective_[later] && touches(c, later)) {
        entry.waitFor_[later] = std::max(entry.waitFor_[later], ordinal);
        break;
      }
  }
}

StatusOr<std::unique_ptr<PreparedCommand>>
Session::prepareDispatch(const fb::Dispatch &dispatch,
                         std::vector<CommandProfile> &profiles,
                         std::string &where, uint32_t index) {
  const fb::Kernel &kernel = *program_->kernels()->Get(dispatch.kernel());
  where += " (" + (kernel.name() ? kernel.name()->str() : "?") + ")";
  std::vector<const TensorDesc *> operandDescs, resultDescs;
  std::vector<TensorRef> operands, results;
  if (dispatch.operands())
    for (uint32_t b : *dispatch.operands()) {
      operandDescs.push_back(&descs_[b]);
      operands.push_back({&descs_[b], memory_[b]});
    }
  if (dispatch.results())
    for (uint32_t b : *dispatch.results()) {
      resultDescs.push_back(&descs_[b]);
      results.push_back({&descs_[b], memory_[b]});
    }
  MLC_RETURN_IF_ERROR(
      device_->check(kernel, operandDescs, resultDescs).withContext(where));
  StatusOr<std::unique_ptr<PreparedCommand>> prepared = prepareCatching(
      *device_, kernel, operands, results, CommandContext{statusWord_, index});
  if (!prepared.isOk())
    return prepared.status().withContext(where);
  CommandProfile profile;
  profile.kernel = kernel.name() ? kernel.name()->str() : "?";
  if (const fb::CpuKernel *cpu = kernel.body_as_CpuKernel())
    profile.kind = fb::EnumNameOpKind(cpu->op());
  else
    profile.kind = fb::EnumNameKernelBody(kernel.body_type());
  for (const TensorDesc *d : operandDescs)
    profile.bytes += d->byteSize();
  for (const TensorDesc *d : resultDescs)
    profile.resultBytes += d->byteSize();
  profile.bytes += profile.resultBytes;
  profile.region = (*prepared)->lastWrites() != nullptr;
  if (kernel.fused_ops())
    for (const flatbuffers::String *op : *kernel.fused_ops())
      profile.fusedOps.push_back(op->str());
  profiles.push_back(std::move(profile));
  return prepared;
}

StatusOr<std::unique_ptr<PreparedCommand>>
Session::prepareCopy(const fb::Copy &copy,
                     std::vector<CommandProfile> &profiles,
                     std::string &where) {
  where += " (copy)";
  size_t bytes = descs_[copy.source()].byteSize();
  CommandProfile profile;
  profile.kernel = "copy";
  profile.kind = "copy";
  profile.bytes = 2 * bytes;
  profiles.push_back(std::move(profile));
  return std::unique_ptr<PreparedCommand>(new CopyCommand(
      *device_, memory_[copy.target()], memory_[copy.source()], bytes));
}

StatusOr<std::unique_ptr<PreparedCommand>>
Session::prepareCollective(const fb::Collective &collective,
                           std::vector<CommandProfile> &profiles,
                           std::string &where) {
  const char *kind = fb::EnumNameCollectiveKind(collective.kind());
  where += std::string(" (") + kind + ")";
  std::vector<TensorRef> operands, results;
  CommandProfile profile;
  profile.kernel = kind;
  profile.kind = kind;
  if (collective.operands())
    for (uint32_t b : *collective.operands()) {
      operands.push_back({&descs_[b], memory_[b]});
      profile.bytes += descs_[b].byteSize();
    }
  if (collective.results())
    for (uint32_t b : *collective.results()) {
      results.push_back({&descs_[b], memory_[b]});
      profile.bytes += descs_[b].byteSize();
    }
  Channel &channel =
      *groups_.at({collective.axes()->begin(), collective.axes()->end()});
  // A bucket is reduced in one block of device memory; a reduce-scatter's
  // also holds the rank's part of the reduction after the operands.
  void *staging = nullptr;
  size_t stagingBytes = 0;
  bool bucketed = collective.kind() == fb::CollectiveKind::all_reduce ||
                  collective.kind() == fb::CollectiveKind::reduce_scatter;
  if (bucketed && operands.size() > 1) {
    for (const TensorRef &t : operands)
      stagingBytes += t.desc->byteSize();
    if (collective.kind() == fb::CollectiveKind::reduce_scatter)
      stagingBytes += stagingBytes / static_cast<size_t>(channel.size());
    StatusOr<void *> block = device_->allocate(stagingBytes);
    if (!block.isOk())
      return block.status().withContext(where);
    staging = *block;
  }
  profiles.push_back(std::move(profile));
  return std::unique_ptr<PreparedCommand>(
      new CollectiveCommand(*device_, channel, collective, std::move(operands),
                            std::move(results), staging, stagingBytes));
}

Status Session::initialize(uint64_t seed) {
  for (uint32_t i = 0; i < descs_.size(); ++i) {
    const fb::Buffer &def = bufferDef(i);
    bool accumulator = def.role() == fb::BufferRole::grad_accumulator;
    if (!fb::isPersistent(def.role()) && !accumulator)
      continue;
    std::vector<uint8_t> host;
    // A piece of a sharded tensor is taken from the whole one, initialized
    // as one rank would (fans, and the numbers' indices, are the whole's).
    TensorDesc init = wholeDesc(i);
    MLC_RETURN_IF_ERROR(resizeOrFail(host, init.byteSize(),
                                     "initializing '" + names_[i] + "'"));
    // Gradient sums start at zero (resizeOrFail zero-fills), whatever the
    // file says.
    if (!accumulator)
      MLC_RETURN_IF_ERROR(
          initializeTensor(def.init(), names_[i], init, seed, host.data()));
    MLC_RETURN_IF_ERROR(writeWhole(i, host.data(), host.size()));
  }
  return Status::ok();
}

Status Session::clearCaches() {
  for (uint32_t i = 0; i < descs_.size(); ++i) {
    if (bufferDef(i).role() != fb::BufferRole::kv_cache)
      continue;
    std::vector<uint8_t> zeros;
    MLC_RETURN_IF_ERROR(resizeOrFail(zeros, descs_[i].byteSize(),
                                     "clearing '" + names_[i] + "'"));
    MLC_RETURN_IF_ERROR(write(i, zeros.data(), zeros.size()));
  }
  return Status::ok();
}

int64_t Session::findBuffer(const std::string &name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? -1 : static_cast<int64_t>(it->second);
}

Status Session::write(uint32_t buffer, const void *data, size_t bytes) {
  if (buffer >= descs_.size() || bytes != descs_[buffer].byteSize())
    return Status::error("write of " + std::to_string(bytes) +
                         " bytes does not fit buffer " +
                         std::to_string(buffer));
  return device_->copyToDevice(memory_[buffer], data, bytes);
}

Status Session::read(uint32_t buffer, void *data, size_t bytes) const {
  if (buffer >= descs_.size() || bytes != descs_[buffer].byteSize())
    return Status::error("read of " + std::to_string(bytes) +
                         " bytes does not fit buffer " +
                         std::to_string(buffer));
  return device_->copyToHost(data, memory_[buffer], bytes);
}

TensorDesc Session::wholeDesc(uint32_t buffer) const {
  const fb::Shard *shard = bufferDef(buffer).shard();
  if (!shard)
    return descs_[buffer];
  TensorDesc whole;
  whole.dtype = descs_[buffer].dtype;
  if (shard->shape())
    whole.shape.assign(shard->shape()->begin(), shard->shape()->end());
  return whole;
}

bool Session::hasShardedState() const {
  for (uint32_t i = 0; i < descs_.size(); ++i)
    if (bufferDef(i).shard())
      return true;
  return false;
}

Status Session::writeWhole(uint32_t buffer, const void *whole, size_t bytes) {
  const fb::Shard *shard =
      buffer < descs_.size() ? bufferDef(buffer).shard() : nullptr;
  if (!shard)
    return write(buffer, whole, bytes);
  if (bytes != wholeDesc(buffer).byteSize())
    return Status::error("write of " + std::to_string(bytes) +
                         " bytes does not fit the whole tensor of buffer '" +
                         names_[buffer] + "' (" + wholeDesc(buffer).str() +
                         ")");
  const std::vector<uint32_t> &mesh = executable_->meshSizes();
  std::vector<int64_t> indices =
      shardPieceIndices(*shard, mesh, meshCoordinates(mesh, rank_));
  std::vector<uint8_t> piece;
  MLC_RETURN_IF_ERROR(resizeOrFail(piece, descs_[buffer].byteSize(),
                                   "sharding '" + names_[buffer] + "'"));
  takePiece(whole, piece.data(), indices, dtypeSize(descs_[buffer].dtype));
  return write(buffer, piece.data(), piece.size());
}

Status Session::readWhole(uint32_t buffer, std::vector<uint8_t> &whole) {
  if (buffer >= descs_.size())
    return Status::error("read of buffer " + std::to_string(buffer) +
                         ", which the program does not have");
  TensorDesc desc = wholeDesc(buffer);
  MLC_RETURN_IF_ERROR(
      resizeOrFail(whole, desc.byteSize(), "reading '" + names_[buffer] + "'"));
  const fb::Shard *shard = bufferDef(buffer).shard();
  if (!shard)
    return read(buffer, whole.data(), whole.size());
  // Every rank's piece, in rank order, placed where its coordinates say
  // (ranks that hold the same piece write the same bytes).
  size_t pieceBytes = descs_[buffer].byteSize();
  std::vector<uint8_t> piece, pieces;
  MLC_RETURN_IF_ERROR(
      resizeOrFail(piece, pieceBytes, "gathering '" + names_[buffer] + "'"));
  MLC_RETURN_IF_ERROR(resizeOrFail(pieces, pieceBytes * world_->size(),
                                   "gathering '" + names_[buffer] + "'"));
  MLC_RETURN_IF_ERROR(read(buffer, piece.data(), piece.size()));
  // Over the group of the shard's axes: the ranks whose pieces make up
  // this rank's whole tensor (other ranks may run other programs).
  auto group = groups_.find(shardAxes(*shard));
  if (group == groups_.end())
    return Status::internal("no group of ranks to gather '" + names_[buffer] +
                            "' over");
  Channel &channel = *group->second;
  CollectiveTally before = channel.counters()[fb::CollectiveKind::all_gather];
  Status gathered = channel.allGather(
      piece.data(), pieces.data(),
      static_cast<size_t>(descs_[buffer].numElements()), descs_[buffer].dtype);
  CollectiveTally after = channel.counters()[fb::CollectiveKind::all_gather];
  CollectiveTally &state = stateTraffic_[fb::CollectiveKind::all_gather];
  state.calls += after.calls - before.calls;
  state.bytes += after.bytes - before.bytes;
  state.seconds += after.seconds - before.seconds;
  MLC_RETURN_IF_ERROR(
      gathered.withContext("gathering the pieces of '" + names_[buffer] + "'"));
  const std::vector<uint32_t> &mesh = executable_->meshSizes();
  size_t element = dtypeSize(desc.dtype);
  for (int i = 0; i < channel.size(); ++i)
    placePiece(
        pieces.data() + i * pieceBytes, whole.data(),
        shardPieceIndices(*shard, mesh,
                          meshCoordinates(mesh, channel.worldRanks()[i])),
        element);
  return Status::ok();
}

StatusOr<Entry *> Session::entry(const std::string &name) {
  auto it = entries_.find(name);
  if (it != entries_.end())
    return it->second.get();
  std::string known;
  for (const auto &e : entries_)
    known += (known.empty() ? "" : ", ") + e.first;
  return Status::error(executable_->origin() + " has no entry point '" + name +
                       "' (it has: " + known + ")");
}

StatusOr<Entry *> Session::entryOfKind(fb::EntryKind kind) {
  for (const fb::EntryPoint *def : *program_->entry_points())
    if (def->kind() == kind)
      return entries_.at(def->name()->str()).get();
  return Status::error(executable_->origin() + " has no " +
                       fb::EnumNameEntryKind(kind) + " entry point");
}

Status Session::checkStatusWord(const Entry &entry, bool stateFollows) {
  StatusWord word;
  MLC_RETURN_IF_ERROR(
      device_->copyToHost(&word, statusWord_, sizeof(StatusWord)));
  if (word.kind() == DataProblem::none)
    return Status::ok();
  const StatusWord clear;
  MLC_RETURN_IF_ERROR(
      device_->copyToDevice(statusWord_, &clear, sizeof(StatusWord)));
  // A NaN loss is bad data for a step that would update state with it;
  // an eval reports it as its loss.
  if (word.kind() == DataProblem::non_finite_loss && !stateFollows &&
      entry.firstStateWrite_ == entry.commands_.size())
    return Status::ok();
  if (word.command >= entry.commands_.size())
    return Status::internal("the status word names command " +
                            std::to_string(word.command) + " of " +
                            entry.commandNames_.front());
  const std::vector<std::vector<int64_t>> &shapes =
      entry.operandShapes_[word.command];
  std::vector<int64_t> shape = word.operand < shapes.size()
                                   ? shapes[word.operand]
                                   : std::vector<int64_t>();
  lastProblem_ = word.kind();
  std::string when =
      stateFollows ? " (found before the call updated any state)" : "";
  return Status::error(entry.commandNames_[word.command] + ": " +
                       describeProblem(word, shape) + when);
}

Status Session::flushSends() {
  for (auto &[axes, channel] : groups_)
    MLC_RETURN_IF_ERROR(channel->flushSends());
  return world_ ? world_->flushSends() : Status::ok();
}

Status Session::run(Entry &entry) {
  // A call ends once its sends have been taken (they return at once): the
  // next call starts with nothing in flight.
  auto commands = [&] {
    Status s = runCommands(entry);
    return s.isOk() ? flushSends() : s;
  };
  if (!trace_)
    return commands();
  Trace::Clock::time_point start = Trace::Clock::now();
  Status s = commands();
  trace_->add(Trace::Track::compute, entry.name(), "call", start,
              Trace::Clock::now());
  return s;
}

Status Session::runCommands(Entry &entry) {
  if (overlap_ && !entry.collectives_.empty())
    return runOverlapped(entry);
  using Clock = std::chrono::steady_clock;
  Clock::time_point last = profiling_ ? Clock::now() : Clock::time_point();
  lastProblem_ = DataProblem::none;
  for (size_t c = 0; c < entry.commands_.size(); ++c) {
    if (c == entry.firstStateWrite_)
      MLC_RETURN_IF_ERROR(checkStatusWord(entry, /*stateFollows=*/true));
    bool collective = entry.isCollective_[c];
    Clock::time_point start =
        collective || trace_ ? Clock::now() : Clock::time_point();
    Status s = runCatching(*entry.commands_[c]);
    if (trace_) {
      const std::string &kernel = entry.profile_[c].kernel;
      trace_->add(collective ? Trace::Track::communication
                             : Trace::Track::compute,
                  kernel,
                  !collective        ? "compute"
                  : kernel == "recv" ? "bubble"
                                     : "collective",
                  start, Clock::now());
    }
    if (collective)
      collectiveWaitSeconds_ +=
          std::chrono::duration<double>(Clock::now() - start).count();
    if (!s.isOk())
      return s.withContext(entry.commandNames_[c]);
    if (profiling_) {
      Clock::time_point now = Clock::now();
      CommandProfile &profile = entry.profile_[c];
      profile.seconds += std::chrono::duration<double>(now - last).count();
      if (const RegionWrites *w = entry.commands_[c]->lastWrites()) {
        profile.written.results += w->results;
        profile.written.scratch += w->scratch;
        profile.written.intermediates += w->intermediates;
      }
      last = now;
    }
  }
  if (profiling_)
    ++entry.profiledCalls_;
  return checkStatusWord(entry, /*stateFollows=*/false);
}

Status Session::runOverlapped(Entry &entry) {
  using Clock = std::chrono::steady_clock;
  if (!commThread_)
    commThread_ = std::make_unique<CommThread>();
  lastProblem_ = DataProblem::none;
  // Every way out waits for the collectives issued: the next call starts
  // with none in flight, and every rank has made the same calls.
  auto leave = [&](Status status) {
    Status pending = commThread_->drain();
    return status.isOk() ? pending : status;
  };
  Clock::time_point last = profiling_ ? Clock::now() : Clock::time_point();
  // Blocks until collective `ordinal` is done; the time is the
  // collective's in the profile.
  auto waitFor = [&](int64_t ordinal, bool all) {
    Clock::time_point start = Clock::now();
    Status s = all ? commThread_->drain()
                   : commThread_->wait(static_cast<uint64_t>(ordinal));
    Clock::time_point now = Clock::now();
    if (trace_) {
      // Waiting for a pipeline stage's activations or adjoints is the
      // pipeline's bubble.
      const std::string &kernel =
          entry.profile_[entry.collectives_[ordinal]].kernel;
      trace_->add(Trace::Track::compute, "wait for " + kernel,
                  kernel == "recv" ? "bubble" : "blocked", start, now);
    }
    collectiveWaitSeconds_ +=
        std::chrono::duration<double>(now - start).count();
    if (profiling_) {
      entry.profile_[entry.collectives_[ordinal]].seconds +=
          std::chrono::duration<double>(now - last).count();
      last = now;
    }
    return s;
  };
  int64_t issued = 0, done = -1;
  for (size_t c = 0; c < entry.commands_.size(); ++c) {
    if (entry.waitFor_[c] > done) {
      done = entry.waitFor_[c];
      Status s = waitFor(done, /*all=*/false);
      if (!s.isOk())
        return leave(s);
    }
    if (c == entry.firstStateWrite_) {
      Status s = checkStatusWord(entry, /*stateFollows=*/true);
      if (!s.isOk())
        return leave(s);
    }
    if (entry.isCollective_[c]) {
      PreparedCommand *command = entry.commands_[c].get();
      const std::string &name = entry.commandNames_[c];
      Trace *trace = trace_;
      const std::string &kernel = entry.profile_[c].kernel;
      commThread_->issue([command, &name, trace, &kernel] {
        Clock::time_point start = trace ? Clock::now() : Clock::time_point();
        Status s = runCatching(*command).withContext(name);
        if (trace)
          trace->add(Trace::Track::communication, kernel, "collective", start,
                     Clock::now());
        return s;
      });
      ++issued;
    } else {
      Clock::time_point start = trace_ ? Clock::now() : Clock::time_point();
      Status s = runCatching(*entry.commands_[c]);
      if (trace_)
        trace_->add(Trace::Track::compute, entry.profile_[c].kernel, "compute",
                    start, Clock::now());
      if (!s.isOk())
        return leave(s.withContext(entry.commandNames_[c]));
    }
    if (profiling_) {
      Clock::time_point now = Clock::now();
      entry.profile_[c].seconds +=
          std::chrono::duration<double>(now - last).count();
      last = now;
    }
  }
  MLC_RETURN_IF_ERROR(waitFor(issued - 1, /*all=*/true));
  if (profiling_)
    ++entry.profiledCalls_;
  return checkStatusWord(entry, /*stateFollows=*/false);
}

} // namespace mlc::rt
