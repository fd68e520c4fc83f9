// Test fixtures shared by the runtime unit tests.
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <unistd.h>

namespace mlc::rt::fixtures {

namespace {

/// Appends an f32 buffer of `shape` and `role` to `program` (parameters
/// start as ones).
void addBuffer(fb::ProgramT &program, const std::string &name,
               std::vector<int64_t> shape, fb::BufferRole role) {
  auto b = std::make_unique<fb::BufferT>();
  b->name = name;
  b->dtype = fb::DType::f32;
  b->shape = shape;
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  b->byte_size = static_cast<uint64_t>(n) * 4;
  b->role = role;
  if (role == fb::BufferRole::parameter) {
    b->init = std::make_unique<fb::InitSpecT>();
    b->init->kind = fb::InitKind::ones;
  }
  program.buffers.push_back(std::move(b));
}

std::unique_ptr<fb::BindingT> binding(const std::string &name,
                                      uint32_t buffer) {
  auto b = std::make_unique<fb::BindingT>();
  b->name = name;
  b->buffer = buffer;
  return b;
}

} // namespace

fb::ExecutableT smallExecutable() {
  fb::ExecutableT exe;
  exe.format_version = fb::kFormatVersion;
  exe.mesh = std::make_unique<fb::MeshT>();
  auto program = std::make_unique<fb::ProgramT>();
  program->rank = 0;
  program->target = "cpu";
  auto buffer = [&](const std::string &name, std::vector<int64_t> shape,
                    fb::BufferRole role) {
    addBuffer(*program, name, shape, role);
  };
  buffer("x", {2, 3}, fb::BufferRole::input);
  buffer("w", {3, 4}, fb::BufferRole::parameter);
  buffer("t", {2, 4}, fb::BufferRole::output);
  buffer("c", {4}, fb::BufferRole::constant);
  buffer("u", {2, 4}, fb::BufferRole::output);
  std::vector<float> constant = {1, 2, 3, 4};
  program->buffers[3]->data.resize(16);
  std::memcpy(program->buffers[3]->data.data(), constant.data(), 16);

  auto kernel = [&](fb::OpKind op) {
    auto k = std::make_unique<fb::KernelT>();
    k->name = std::string("k_") + fb::EnumNameOpKind(op);
    fb::CpuKernelT body;
    body.op = op;
    k->body.Set(std::move(body));
    program->kernels.push_back(std::move(k));
  };
  kernel(fb::OpKind::matmul);
  kernel(fb::OpKind::add);

  auto entry = std::make_unique<fb::EntryPointT>();
  entry->name = "eval";
  entry->batch_size = 2;
  auto bind = binding;
  entry->inputs.push_back(bind("x", 0));
  entry->outputs.push_back(bind("out", 2));
  entry->outputs.push_back(bind("sum", 4));
  auto command = [](uint32_t kernel, std::vector<uint32_t> operands,
                    std::vector<uint32_t> results) {
    fb::DispatchT d;
    d.kernel = kernel;
    d.operands = operands;
    d.results = results;
    auto c = std::make_unique<fb::CommandT>();
    c->body.Set(std::move(d));
    return c;
  };
  entry->commands.push_back(command(0, {0, 1}, {2}));
  entry->commands.push_back(command(1, {2, 3}, {4}));
  program->entry_points.push_back(std::move(entry));
  exe.programs.push_back(std::move(program));
  exe.metadata = std::make_unique<fb::MetadataT>();
  return exe;
}

fb::ExecutableT bucketExecutable(uint32_t ranks) {
  fb::ExecutableT exe;
  exe.format_version = fb::kFormatVersion;
  exe.mesh = std::make_unique<fb::MeshT>();
  auto axis = std::make_unique<fb::MeshAxisT>();
  axis->name = "dp";
  axis->size = ranks;
  exe.mesh->axes.push_back(std::move(axis));
  auto program = std::make_unique<fb::ProgramT>();
  program->target = "cpu";
  auto buffer = [&](const std::string &name, std::vector<int64_t> shape,
                    fb::BufferRole role) {
    addBuffer(*program, name, shape, role);
  };
  buffer("x", {2, 3}, fb::BufferRole::input);
  buffer("y", {2, 2}, fb::BufferRole::input);
  buffer("gx", {2, 3}, fb::BufferRole::output);
  buffer("gy", {2, 2}, fb::BufferRole::output);
  buffer("c", {}, fb::BufferRole::constant);
  program->buffers[4]->data = {0, 0, 128, 63}; // 1.0f
  auto entry = std::make_unique<fb::EntryPointT>();
  entry->name = "eval";
  entry->batch_size = 2;
  auto bind = binding;
  entry->inputs.push_back(bind("x", 0));
  entry->inputs.push_back(bind("y", 1));
  entry->outputs.push_back(bind("gx", 2));
  entry->outputs.push_back(bind("gy", 3));
  fb::CollectiveT c;
  c.kind = fb::CollectiveKind::all_reduce;
  c.reduction = fb::Reduction::mean;
  c.operands = {0, 1};
  c.results = {2, 3};
  c.axes = {0};
  auto command = std::make_unique<fb::CommandT>();
  command->body.Set(std::move(c));
  entry->commands.push_back(std::move(command));
  program->entry_points.push_back(std::move(entry));
  exe.programs.push_back(std::move(program));
  if (ranks > 1)
    exe.rank_programs.assign(ranks, 0);
  exe.metadata = std::make_unique<fb::MetadataT>();
  return exe;
}

fb::ExecutableT shardedExecutable(uint32_t ranks, bool sharded) {
  fb::ExecutableT exe;
  exe.format_version = fb::kFormatVersion;
  exe.mesh = std::make_unique<fb::MeshT>();
  auto addAxis = [&](const std::string &name, uint32_t size) {
    auto axis = std::make_unique<fb::MeshAxisT>();
    axis->name = name;
    axis->size = size;
    exe.mesh->axes.push_back(std::move(axis));
  };
  bool twoAxes = sharded && ranks % 4 == 0;
  addAxis("dp", sharded ? (twoAxes ? ranks / 2 : ranks) : 1);
  if (twoAxes)
    addAxis("tp", 2);
  auto program = std::make_unique<fb::ProgramT>();
  program->target = "cpu";
  auto init = [](fb::InitKind kind, double first, double second) {
    auto spec = std::make_unique<fb::InitSpecT>();
    spec->kind = kind;
    spec->first = first;
    spec->second = second;
    return spec;
  };
  auto shard = [](std::vector<int64_t> whole,
                  std::vector<fb::ShardStep> steps) {
    auto s = std::make_unique<fb::ShardT>();
    s->shape = std::move(whole);
    s->steps = std::move(steps);
    return s;
  };
  // w: split by columns in 3 blocks (over tp, then flat over dp with two
  // axes; over dp with one).
  int64_t n = exe.mesh->axes[0]->size;
  if (!sharded) {
    addBuffer(*program, "w", {4, 12}, fb::BufferRole::parameter);
    addBuffer(*program, "v", {5}, fb::BufferRole::optimizer_state);
  } else if (twoAxes) {
    addBuffer(*program, "w", {(4 * 6 + n - 1) / n}, fb::BufferRole::parameter);
    program->buffers[0]->shard =
        shard({4, 12}, {fb::ShardStep(fb::ShardStepKind::split, 1, 1, 3),
                        fb::ShardStep(fb::ShardStepKind::flat, 0, 0, 1)});
    addBuffer(*program, "v", {(5 + n - 1) / n},
              fb::BufferRole::optimizer_state);
  } else {
    addBuffer(*program, "w", {4, 12 / n}, fb::BufferRole::parameter);
    program->buffers[0]->shard =
        shard({4, 12}, {fb::ShardStep(fb::ShardStepKind::split, 0, 1, 3)});
    addBuffer(*program, "v", {(5 + n - 1) / n},
              fb::BufferRole::optimizer_state);
  }
  if (sharded)
    program->buffers[1]->shard =
        shard({5}, {fb::ShardStep(fb::ShardStepKind::flat, 0, 0, 1)});
  program->buffers[0]->init = init(fb::InitKind::normal, 0, 1);
  program->buffers[1]->init = init(fb::InitKind::uniform, -1, 1);
  addBuffer(*program, "o", program->buffers[0]->shape, fb::BufferRole::output);
  auto entry = std::make_unique<fb::EntryPointT>();
  entry->name = "eval";
  entry->outputs.push_back(binding("o", 2));
  fb::CopyT copy;
  copy.source = 0;
  copy.target = 2;
  auto command = std::make_unique<fb::CommandT>();
  command->body.Set(std::move(copy));
  entry->commands.push_back(std::move(command));
  program->entry_points.push_back(std::move(entry));
  exe.programs.push_back(std::move(program));
  if (sharded && ranks > 1)
    exe.rank_programs.assign(ranks, 0);
  exe.metadata = std::make_unique<fb::MetadataT>();
  return exe;
}

fb::ExecutableT overlapExecutable() {
  fb::ExecutableT exe = bucketExecutable(1);
  fb::ProgramT &program = *exe.programs[0];
  addBuffer(program, "z", {2, 2}, fb::BufferRole::input);
  addBuffer(program, "w", {2, 2}, fb::BufferRole::output);
  addBuffer(program, "t", {2, 3}, fb::BufferRole::output);
  fb::EntryPointT &entry = *program.entry_points[0];
  entry.inputs.push_back(binding("z", 5));
  entry.outputs.push_back(binding("w", 6));
  entry.outputs.push_back(binding("t", 7));
  for (auto [source, target] : {std::pair<uint32_t, uint32_t>{5, 6}, {2, 7}}) {
    fb::CopyT copy;
    copy.source = source;
    copy.target = target;
    auto command = std::make_unique<fb::CommandT>();
    command->body.Set(std::move(copy));
    entry.commands.push_back(std::move(command));
  }
  return exe;
}

fb::DispatchT &dispatch(fb::ExecutableT &exe, size_t entry, size_t command) {
  return *exe.programs[0]
              ->entry_points[entry]
              ->commands[command]
              ->body.AsDispatch();
}

void giveOwnSlices(fb::ProgramT &program) {
  program.arenas.clear();
  std::map<fb::ArenaKind, uint32_t> index;
  std::vector<uint64_t> ends;
  for (auto &b : program.buffers) {
    fb::ArenaKind kind = fb::arenaKindOf(b->role);
    auto [it, added] =
        index.try_emplace(kind, static_cast<uint32_t>(program.arenas.size()));
    if (added) {
      program.arenas.push_back(std::make_unique<fb::ArenaT>());
      program.arenas.back()->kind = kind;
      ends.push_back(0);
    }
    b->arena = it->second;
    b->offset = ends[it->second];
    ends[it->second] += (b->byte_size + 63) / 64 * 64;
    program.arenas[it->second]->size = ends[it->second];
  }
}

namespace {
std::vector<uint8_t> serialize(const fb::ExecutableT &exe) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishExecutableBuffer(fbb, fb::Executable::Pack(fbb, &exe));
  return std::vector<uint8_t>(fbb.GetBufferPointer(),
                              fbb.GetBufferPointer() + fbb.GetSize());
}
} // namespace

std::vector<uint8_t> pack(const fb::ExecutableT &exe) {
  std::vector<uint8_t> bytes = serialize(exe);
  bool placed = true;
  for (const auto &program : exe.programs)
    placed &= !program->arenas.empty();
  if (placed)
    return bytes;
  // Lay out a copy: the caller's executable stays as it was built.
  std::unique_ptr<fb::ExecutableT> copy(
      fb::GetExecutable(bytes.data())->UnPack());
  for (auto &program : copy->programs)
    if (program->arenas.empty())
      giveOwnSlices(*program);
  return serialize(*copy);
}

StatusOr<std::unique_ptr<Session>> sessionFor(std::vector<uint8_t> bytes,
                                              Channel *world, size_t rank) {
  auto exe = Executable::loadBytes(std::move(bytes), "test.mlcx");
  if (!exe.isOk())
    return exe.status();
  DeviceRegistry devices;
  registerBuiltinDevices(devices);
  auto device = devices.create("cpu", DeviceOptions{1});
  if (!device.isOk())
    return device.status();
  std::shared_ptr<const Executable> shared(std::move(exe).value());
  return Session::create(shared, rank, std::move(device).value(), world);
}

std::string loadError(const fb::ExecutableT &exe) {
  auto loaded = Executable::loadBytes(pack(exe), "test.mlcx");
  return loaded.isOk() ? "" : loaded.status().message();
}

void expectRefused(const fb::ExecutableT &exe, const std::string &expected) {
  std::string e = loadError(exe);
  EXPECT_NE(e.find(expected), std::string::npos)
      << "expected: " << expected << "\ngot: " << e;
}

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "/" + std::to_string(::getpid()) + "_" + name;
}

} // namespace mlc::rt::fixtures
