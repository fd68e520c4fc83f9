// Describing a verified executable as JSON, for mlc-dump's two outputs.
#include "Describe.h"

#include "runtime/Arenas.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace mlc::dump {

namespace {

std::string str(const flatbuffers::String *s) { return s ? s->str() : ""; }

template <typename T> Json list(const flatbuffers::Vector<T> *v) {
  Json out = Json::array();
  if (v)
    for (T x : *v)
      out.push_back(x);
  return out;
}

Json strings(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>> *v) {
  Json out = Json::array();
  if (v)
    for (const flatbuffers::String *s : *v)
      out.push_back(str(s));
  return out;
}

/// An enum's name, or its number when a crafted file holds a value the
/// schema does not name.
template <typename Enum>
std::string enumName(Enum value, const char *(*name)(Enum)) {
  std::string s = name(value);
  return s.empty() ? std::to_string(static_cast<unsigned>(value)) : s;
}

template <typename T> T load(const uint8_t *p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

float bf16ToFloat(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

float f16ToFloat(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? std::numeric_limits<float>::quiet_NaN()
                         : std::numeric_limits<float>::infinity();
  else
    magnitude = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

/// The one element of a splat constant (the loader checked its size).
Json splatValue(const fb::Buffer &buffer) {
  const uint8_t *p = buffer.data()->data();
  switch (buffer.dtype()) {
  case fb::DType::f32:
    return load<float>(p);
  case fb::DType::f64:
    return load<double>(p);
  case fb::DType::bf16:
    return bf16ToFloat(load<uint16_t>(p));
  case fb::DType::f16:
    return f16ToFloat(load<uint16_t>(p));
  case fb::DType::i32:
    return load<int32_t>(p);
  case fb::DType::i64:
    return load<int64_t>(p);
  case fb::DType::i1:
    return p[0] != 0 ? 1 : 0;
  }
  return nullptr;
}

Json describeInit(const fb::InitSpec *init) {
  if (!init)
    return nullptr;
  return {{"kind", enumName(init->kind(), fb::EnumNameInitKind)},
          {"first", init->first()},
          {"second", init->second()}};
}

Json describeConstant(const fb::Buffer &buffer) {
  if (buffer.role() != fb::BufferRole::constant)
    return nullptr;
  return {{"splat", buffer.splat()},
          {"value", buffer.splat() ? splatValue(buffer) : Json(nullptr)},
          {"data_bytes", buffer.data() ? buffer.data()->size() : 0}};
}

Json describeShard(const fb::Shard *shard, const fb::Executable &exe);

Json describeBuffer(uint32_t index, const fb::Buffer &buffer,
                    const fb::Program &program, const fb::Executable &exe) {
  rt::TensorDesc desc = rt::Executable::bufferDesc(buffer);
  bool isParameter = buffer.role() == fb::BufferRole::parameter;
  const fb::Arena &arena = *program.arenas()->Get(buffer.arena());
  return {{"index", index},
          {"name", str(buffer.name())},
          {"role", enumName(buffer.role(), fb::EnumNameBufferRole)},
          {"dtype", rt::dtypeName(buffer.dtype())},
          {"shape", list(buffer.shape())},
          {"type", desc.str()},
          {"bytes", buffer.byte_size()},
          {"arena", buffer.arena()},
          {"arena_kind", enumName(arena.kind(), fb::EnumNameArenaKind)},
          {"offset", buffer.offset()},
          {"view_of", buffer.view() ? Json(buffer.view_of()) : Json(nullptr)},
          {"persistent", fb::isPersistent(buffer.role())},
          {"frozen", isParameter && !buffer.trainable()},
          {"init", describeInit(buffer.init())},
          {"constant", describeConstant(buffer)},
          {"shard", describeShard(buffer.shard(), exe)}};
}

/// Buffers, bytes and constant data per role, every role present (the
/// loader checked that each buffer's role is one of them).
Json describeTotals(const fb::Program &program) {
  struct Total {
    uint64_t buffers = 0, bytes = 0, dataBytes = 0;
  };
  std::vector<Total> totals(static_cast<size_t>(fb::BufferRole::MAX) + 1);
  for (const fb::Buffer *buffer : *program.buffers()) {
    Total &total = totals[static_cast<size_t>(buffer->role())];
    ++total.buffers;
    total.bytes += buffer->byte_size();
    total.dataBytes += buffer->data() ? buffer->data()->size() : 0;
  }
  Json out = Json::object();
  for (fb::BufferRole role : fb::EnumValuesBufferRole()) {
    const Total &total = totals[static_cast<size_t>(role)];
    out[fb::EnumNameBufferRole(role)] = {{"buffers", total.buffers},
                                         {"bytes", total.bytes},
                                         {"data_bytes", total.dataBytes}};
  }
  return out;
}

/// Each arena with the buffers it holds, and the memory of the plan next to
/// what the buffers would take each on its own.
Json describeArenas(const fb::Program &program) {
  std::vector<uint64_t> buffers(program.arenas()->size(), 0),
      bytes(program.arenas()->size(), 0);
  uint64_t unplanned = 0;
  for (const fb::Buffer *buffer : *program.buffers()) {
    ++buffers[buffer->arena()];
    bytes[buffer->arena()] += buffer->byte_size();
    unplanned += buffer->byte_size();
  }
  Json arenas = Json::array();
  for (uint32_t a = 0; a < program.arenas()->size(); ++a) {
    const fb::Arena &arena = *program.arenas()->Get(a);
    arenas.push_back({{"index", a},
                      {"kind", enumName(arena.kind(), fb::EnumNameArenaKind)},
                      {"size", arena.size()},
                      {"buffers", buffers[a]},
                      {"buffer_bytes", bytes[a]}});
  }
  return {{"arenas", std::move(arenas)},
          {"planned_bytes", rt::plannedBytes(program)},
          {"unplanned_bytes", unplanned}};
}

/// The attributes the kernel's op reads (mlcx.fbs says which).
Json describeAttributes(const fb::CpuKernel &cpu) {
  switch (cpu.op()) {
  case fb::OpKind::reduce_sum:
  case fb::OpKind::reduce_mean:
  case fb::OpKind::reduce_max:
    return {{"axes", list(cpu.axes())}, {"keepdims", cpu.keepdims()}};
  case fb::OpKind::transpose:
    return {{"perm", list(cpu.perm())}};
  case fb::OpKind::softmax:
  case fb::OpKind::log_softmax:
  case fb::OpKind::argmax:
  case fb::OpKind::concat:
  case fb::OpKind::split:
    return {{"axis", cpu.axis()}};
  case fb::OpKind::slice:
    return {{"axis", cpu.axis()}, {"start", cpu.start()}};
  case fb::OpKind::matmul:
    return {{"transpose_lhs", cpu.transpose_lhs()},
            {"transpose_rhs", cpu.transpose_rhs()}};
  case fb::OpKind::layer_norm:
  case fb::OpKind::rms_norm:
    return {{"eps", cpu.eps()}};
  case fb::OpKind::gelu:
    return {{"approximate",
             enumName(cpu.approximate(), fb::EnumNameGeluApproximation)}};
  case fb::OpKind::rope:
    return {{"theta", cpu.theta()}, {"inverse", cpu.inverse()}};
  case fb::OpKind::causal_mask:
    return {{"fill", cpu.fill()}};
  case fb::OpKind::attention:
  case fb::OpKind::attention_grad:
    return {{"causal", cpu.causal()}, {"scale", cpu.scale()}};
  case fb::OpKind::compare:
    return {
        {"predicate", enumName(cpu.predicate(), fb::EnumNameComparePredicate)}};
  default:
    return Json::object();
  }
}

/// A kernel region's iteration space and program: its shape, the reduced
/// axes and their layout, and how many steps it runs.
Json describeRegion(const fb::Kernel &kernel) {
  if (const fb::FusedLoop *loop = kernel.body_as_FusedLoop())
    return {{"shape", list(loop->shape())},
            {"steps", loop->steps() ? loop->steps()->size() : 0}};
  if (const fb::FusedReduce *reduce = kernel.body_as_FusedReduce())
    return {{"layout", enumName(reduce->layout(), fb::EnumNameReduceLayout)},
            {"shape", list(reduce->shape())},
            {"axes", list(reduce->axes())},
            {"steps", reduce->steps() ? reduce->steps()->size() : 0}};
  return Json::object();
}

Json describeKernel(uint32_t index, const fb::Kernel &kernel) {
  const fb::CpuKernel *cpu = kernel.body_as_CpuKernel();
  return {
      {"index", index},
      {"name", str(kernel.name())},
      {"body", enumName(kernel.body_type(), fb::EnumNameKernelBody)},
      {"op",
       cpu ? Json(enumName(cpu->op(), fb::EnumNameOpKind)) : Json(nullptr)},
      {"attributes", cpu ? describeAttributes(*cpu) : describeRegion(kernel)},
      {"fused_ops", strings(kernel.fused_ops())}};
}

/// Why a copy runs: the value of state before the step changes it (an
/// output), or an update that could not be computed in place.
std::string copyNote(const fb::Copy &copy, const fb::Program &program) {
  const fb::Buffer &source = *program.buffers()->Get(copy.source());
  const fb::Buffer &target = *program.buffers()->Get(copy.target());
  if (fb::keepsValues(target.role()))
    return "update of '" + str(target.name()) + "'";
  if (fb::keepsValues(source.role()))
    return "value of '" + str(source.name()) + "' before the update";
  return "";
}

/// kCopy, kInPlace or "" (see Describe.h).
std::string dispatchFlag(const fb::Dispatch &dispatch,
                         const fb::Program &program) {
  if (dispatch.results())
    for (uint32_t r : *dispatch.results())
      if (fb::keepsValues(program.buffers()->Get(r)->role()))
        return kInPlace;
  return "";
}

/// The names of mesh axes given by index ("dp").
Json axisNames(const flatbuffers::Vector<uint32_t> *axes,
               const fb::Executable &exe) {
  Json names = Json::array();
  if (axes)
    for (uint32_t a : *axes)
      names.push_back(str(exe.mesh()->axes()->Get(a)->name()));
  return names;
}

/// The whole tensor a sharded buffer is a piece of, and the steps that
/// take the piece (axes by name); null for a buffer that is not sharded.
Json describeShard(const fb::Shard *shard, const fb::Executable &exe) {
  if (!shard)
    return nullptr;
  Json steps = Json::array();
  for (const fb::ShardStep *step : *shard->steps()) {
    Json axis = str(exe.mesh()->axes()->Get(step->axis())->name());
    if (step->kind() == fb::ShardStepKind::flat)
      steps.push_back({{"kind", "flat"}, {"axis", axis}});
    else
      steps.push_back({{"kind", "split"},
                       {"axis", axis},
                       {"dim", step->dim()},
                       {"blocks", step->blocks()}});
  }
  return {{"shape", list(shard->shape())}, {"steps", steps}};
}

/// A collective's kind, group and reduction, for the "collective" key.
Json describeCollective(const fb::Collective &c, const fb::Executable &exe) {
  uint64_t group = 1;
  for (uint32_t a : *c.axes())
    group *= exe.mesh()->axes()->Get(a)->size();
  bool reduces = c.kind() == fb::CollectiveKind::all_reduce ||
                 c.kind() == fb::CollectiveKind::reduce_scatter;
  bool pointToPoint = c.kind() == fb::CollectiveKind::send ||
                      c.kind() == fb::CollectiveKind::recv;
  return {
      {"kind", enumName(c.kind(), fb::EnumNameCollectiveKind)},
      {"reduction",
       reduces ? Json(enumName(c.reduction(), fb::EnumNameReduction)) : Json()},
      {"axes", axisNames(c.axes(), exe)},
      {"group_size", group},
      {"root",
       c.kind() == fb::CollectiveKind::broadcast ? Json(c.root()) : Json()},
      {"peer", pointToPoint ? Json(c.peer()) : Json()}};
}

/// "mean over dp (2 ranks), 3 buffers in one call, 4096 bytes".
std::string collectiveNote(const fb::Collective &c, const Json &collective,
                           const fb::Program &program) {
  std::string over;
  for (const Json &a : collective["axes"])
    over += (over.empty() ? "" : "x") + a.get<std::string>();
  std::string note =
      collective["reduction"].is_null()
          ? "over "
          : collective["reduction"].get<std::string>() + " over ";
  note += over + " (" + collective["group_size"].dump() + " ranks)";
  if (!collective["root"].is_null())
    note += ", root " + collective["root"].dump();
  if (!collective["peer"].is_null())
    note += ", peer " + collective["peer"].dump();
  const auto *buffers =
      c.operands() && c.operands()->size() ? c.operands() : c.results();
  uint64_t bytes = 0;
  for (uint32_t b : *buffers)
    bytes += program.buffers()->Get(b)->byte_size();
  if (buffers->size() > 1)
    note += ", " + std::to_string(buffers->size()) + " buffers in one call";
  return note + ", " + std::to_string(bytes) + " bytes";
}

/// A dispatch, a copy or a collective (the loader admits no other
/// command). Every command has the same keys; "collective" is null but
/// for collectives.
Json describeCommand(uint32_t index, const fb::Command &command,
                     const fb::Program &program, const fb::Executable &exe) {
  if (const fb::Copy *copy = command.body_as_Copy())
    return {{"index", index},
            {"type", "copy"},
            {"kernel", nullptr},
            {"kernel_name", nullptr},
            {"operands", Json::array({copy->source()})},
            {"results", Json::array({copy->target()})},
            {"flag", kCopy},
            {"note", copyNote(*copy, program)},
            {"collective", nullptr}};
  if (const fb::Collective *c = command.body_as_Collective()) {
    Json collective = describeCollective(*c, exe);
    std::string note = collectiveNote(*c, collective, program);
    return {{"index", index},
            {"type", "collective"},
            {"kernel", nullptr},
            {"kernel_name", nullptr},
            {"operands", list(c->operands())},
            {"results", list(c->results())},
            {"flag", ""},
            {"note", std::move(note)},
            {"collective", std::move(collective)}};
  }
  const fb::Dispatch &dispatch = *command.body_as_Dispatch();
  const fb::Kernel &kernel = *program.kernels()->Get(dispatch.kernel());
  return {{"index", index},
          {"type", "dispatch"},
          {"kernel", dispatch.kernel()},
          {"kernel_name", str(kernel.name())},
          {"operands", list(dispatch.operands())},
          {"results", list(dispatch.results())},
          {"flag", dispatchFlag(dispatch, program)},
          {"note", ""},
          {"collective", nullptr}};
}

Json describeBindings(
    const flatbuffers::Vector<flatbuffers::Offset<fb::Binding>> *bindings) {
  Json out = Json::array();
  if (bindings)
    for (const fb::Binding *b : *bindings)
      out.push_back({{"name", str(b->name())},
                     {"buffer", b->buffer()},
                     {"shift", b->token_window() ? Json(b->shift()) : Json()},
                     {"vocab", b->vocab() ? Json(b->vocab()) : Json()},
                     {"position", b->position()}});
  return out;
}

Json describeEntry(const fb::EntryPoint &entry, const fb::Program &program,
                   const fb::Executable &exe) {
  Json commands = Json::array();
  uint64_t inPlace = 0, copies = 0, workspace = 0;
  std::vector<uint32_t> reads, writes;
  if (entry.commands())
    for (uint32_t c = 0; c < entry.commands()->size(); ++c) {
      const fb::Command &cmd = *entry.commands()->Get(c);
      Json command = describeCommand(c, cmd, program, exe);
      // Updates, not commands: a fused optimizer region computes a
      // parameter and its moments in place in one dispatch.
      if (const fb::Dispatch *dispatch = cmd.body_as_Dispatch();
          dispatch && dispatch->results())
        for (uint32_t r : *dispatch->results())
          inPlace += fb::keepsValues(program.buffers()->Get(r)->role());
      copies += command["flag"] == kCopy;
      commands.push_back(std::move(command));
      // The part of the workspace this entry point's activations use.
      rt::commandBuffers(cmd, reads, writes);
      reads.insert(reads.end(), writes.begin(), writes.end());
      for (uint32_t b : reads) {
        const fb::Buffer &buffer = *program.buffers()->Get(b);
        if (buffer.role() == fb::BufferRole::activation)
          workspace = std::max(workspace, buffer.offset() + buffer.byte_size());
      }
    }
  return {{"name", str(entry.name())},
          {"kind", enumName(entry.kind(), fb::EnumNameEntryKind)},
          {"batch_size", entry.batch_size()},
          {"batch_axes", axisNames(entry.batch_axes(), exe)},
          {"flops", entry.flops()},
          {"context", entry.context()},
          {"inputs", describeBindings(entry.inputs())},
          {"outputs", describeBindings(entry.outputs())},
          {"in_place_updates", inPlace},
          {"copies", copies},
          {"workspace_bytes", workspace},
          {"commands", std::move(commands)}};
}

Json describeProgram(const fb::Program &program, const fb::Executable &exe,
                     Json ranks) {
  Json buffers = Json::array(), kernels = Json::array(),
       entries = Json::array();
  for (uint32_t i = 0; i < program.buffers()->size(); ++i)
    buffers.push_back(
        describeBuffer(i, *program.buffers()->Get(i), program, exe));
  if (program.kernels())
    for (uint32_t k = 0; k < program.kernels()->size(); ++k)
      kernels.push_back(describeKernel(k, *program.kernels()->Get(k)));
  for (const fb::EntryPoint *entry : *program.entry_points())
    entries.push_back(describeEntry(*entry, program, exe));
  return {{"rank", program.rank()},
          {"ranks", std::move(ranks)},
          {"target", str(program.target())},
          {"buffers", std::move(buffers)},
          {"totals", describeTotals(program)},
          {"memory", describeArenas(program)},
          {"kernels", std::move(kernels)},
          {"entry_points", std::move(entries)}};
}

Json describeMesh(const rt::Executable &exe) {
  Json axes = Json::array();
  const fb::Executable &root = exe.root();
  if (root.mesh() && root.mesh()->axes())
    for (const fb::MeshAxis *axis : *root.mesh()->axes())
      axes.push_back({{"name", str(axis->name())}, {"size", axis->size()}});
  Json programOf = Json::array();
  for (size_t r = 0; r < exe.numRanks(); ++r)
    programOf.push_back(exe.programIndex(r));
  return {{"axes", std::move(axes)},
          {"ranks", exe.numRanks()},
          {"rank_programs", std::move(programOf)}};
}

/// The pipeline's stages and schedule; null without one.
Json describePipeline(const fb::Executable &root) {
  const fb::Pipeline *p = root.pipeline();
  if (!p)
    return nullptr;
  return {{"stages", p->stages()},
          {"micro_batches", p->micro_batches()},
          {"schedule", str(p->schedule())},
          {"bubble_fraction", p->bubble_fraction()}};
}

} // namespace

Json describe(const rt::Executable &exe, const std::string &file) {
  const fb::Executable &root = exe.root();
  const fb::Metadata *meta = root.metadata();
  Json programs = Json::array();
  for (size_t p = 0; p < exe.numPrograms(); ++p) {
    Json ranks = Json::array();
    for (size_t r = 0; r < exe.numRanks(); ++r)
      if (exe.programIndex(r) == p)
        ranks.push_back(r);
    programs.push_back(describeProgram(exe.programAt(p), root, ranks));
  }
  return {{"file", file},
          {"format_version", root.format_version()},
          {"producer", meta ? str(meta->producer()) : ""},
          {"model", meta ? str(meta->model()) : ""},
          {"optimizer", meta ? str(meta->optimizer()) : ""},
          {"flops_per_step", meta ? meta->flops_per_step() : 0},
          {"parameter_names",
           meta ? strings(meta->parameter_names()) : Json::array()},
          {"mesh", describeMesh(exe)},
          {"pipeline", describePipeline(root)},
          {"programs", std::move(programs)}};
}

} // namespace mlc::dump
