// Loading a .mlcx file: the FlatBuffers verifier, then checks of meaning
// (versions, index ranges, byte sizes, well-formed entry points), so that a
// truncated, foreign or crafted file gives an error instead of a crash.
#include "runtime/Executable.h"

#include "runtime/Arenas.h"
#include "runtime/Shard.h"

#include <cmath>
#include <limits>
#include <set>

namespace mlc::rt {

namespace {

/// Largest tensor the runtime accepts (2^40 bytes): keeps size arithmetic
/// far from overflow.
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 40;

/// Whether the elements of a vector of 8-byte scalars are 8-byte aligned.
/// The FlatBuffers verifier only checks the alignment of a vector's length
/// field; a crafted file can misalign the elements, and reading them would
/// then be undefined behaviour. The bytes start page-aligned (a mapped
/// file) or 16-byte aligned (loadBytes' vector), so offsets decide.
template <typename T> bool elementsAligned(const flatbuffers::Vector<T> *v) {
  return !v || v->size() == 0 ||
         reinterpret_cast<uintptr_t>(v->data()) % alignof(T) == 0;
}

/// Why `name` cannot name a tensor in the files the runtime writes
/// (safetensors headers, JSON, CSV, logs), or an empty string.
std::string checkName(const std::string &name) {
  if (name.empty())
    return "is empty";
  if (name == "__metadata__")
    return "is '__metadata__', which safetensors files reserve";
  for (size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f)
      return "contains a control character";
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xe  ? 3
                    : (c >> 3) == 0x1e ? 4
                                       : 0;
    if (length == 0 || i + length > name.size())
      return "is not valid UTF-8";
    uint32_t code = length == 1 ? c : c & (0x7f >> length);
    for (size_t k = 1; k < length; ++k) {
      unsigned char next = static_cast<unsigned char>(name[i + k]);
      if ((next >> 6) != 0x2)
        return "is not valid UTF-8";
      code = (code << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10ffff ||
        (code >= 0xd800 && code <= 0xdfff))
      return "is not valid UTF-8";
    i += length;
  }
  return "";
}

/// Whether an initializer's values make sense for its kind.
std::string checkInit(const fb::InitSpec &init) {
  double a = init.first(), b = init.second();
  if (!std::isfinite(a) || !std::isfinite(b))
    return "has an initializer with a value that is not finite";
  switch (init.kind()) {
  case fb::InitKind::none:
    return "has no initializer";
  case fb::InitKind::normal:
    if (!(b > 0))
      return "has a normal initializer with std " + std::to_string(b) +
             " (expected std > 0)";
    break;
  case fb::InitKind::uniform:
    if (!(a < b))
      return "has a uniform initializer with low " + std::to_string(a) +
             " >= high " + std::to_string(b);
    break;
  case fb::InitKind::xavier_uniform:
    if (!(a > 0))
      return "has an xavier_uniform initializer with gain " +
             std::to_string(a) + " (expected gain > 0)";
    break;
  default:
    break;
  }
  return "";
}

std::string bufferLabel(uint32_t index, const fb::Buffer &buffer) {
  std::string name = buffer.name() ? buffer.name()->str() : "";
  return "buffer " + std::to_string(index) + " ('" + name + "')";
}

Status checkBuffer(uint32_t index, const fb::Buffer &buffer) {
  std::string label = bufferLabel(index, buffer);
  if (!buffer.name() || buffer.name()->size() == 0)
    return Status::error("buffer " + std::to_string(index) + " has no name");
  std::string badName = checkName(buffer.name()->str());
  if (!badName.empty())
    return Status::error("the name of buffer " + std::to_string(index) + " " +
                         badName);
  if (!isKnownDType(buffer.dtype()))
    return Status::error(label + " has unknown dtype " +
                         std::to_string(static_cast<int>(buffer.dtype())));
  if (static_cast<unsigned>(buffer.role()) >
      static_cast<unsigned>(fb::BufferRole::MAX))
    return Status::error(label + " has an unknown role");
  // An absent shape is a scalar: FlatBuffers writers may omit empty vectors.
  if (!elementsAligned(buffer.shape()))
    return Status::error(label + " has a misaligned shape");
  uint64_t elements = 1;
  if (buffer.shape())
    for (int64_t d : *buffer.shape()) {
      if (d <= 0)
        return Status::error(label + " has dimension " + std::to_string(d) +
                             " (mlc tensors have no empty or negative "
                             "dimensions)");
      if (elements > kMaxTensorBytes / static_cast<uint64_t>(d))
        return Status::error(label + " is too large");
      elements *= static_cast<uint64_t>(d);
    }
  uint64_t expected = elements * dtypeSize(buffer.dtype());
  if (expected > kMaxTensorBytes)
    return Status::error(label + " is too large (" + std::to_string(expected) +
                         " bytes)");
  TensorDesc desc = Executable::bufferDesc(buffer);
  if (buffer.byte_size() != expected)
    return Status::error(label + " declares " +
                         std::to_string(buffer.byte_size()) +
                         " bytes but its shape " + desc.str() + " needs " +
                         std::to_string(expected));
  bool isConstant = buffer.role() == fb::BufferRole::constant;
  uint64_t dataSize = buffer.data() ? buffer.data()->size() : 0;
  uint64_t dataExpected = buffer.splat() ? dtypeSize(buffer.dtype()) : expected;
  if (isConstant && dataSize != dataExpected)
    return Status::error(
        label + " is a " + (buffer.splat() ? "splat constant" : "constant") +
        " with " + std::to_string(dataSize) + " bytes of data, expected " +
        std::to_string(dataExpected));
  if (!isConstant && (dataSize != 0 || buffer.splat()))
    return Status::error(label + " carries data but is not a constant");
  if (buffer.role() == fb::BufferRole::step_counter &&
      (buffer.dtype() != fb::DType::i64 || elements != 1 ||
       (buffer.shape() && buffer.shape()->size() != 0)))
    return Status::error(label + " is a step counter but is " + desc.str() +
                         ", not an i64 scalar");
  if (buffer.role() == fb::BufferRole::kv_cache &&
      buffer.dtype() != fb::DType::f32 && buffer.dtype() != fb::DType::f64)
    return Status::error(label + " is a KV cache but is " + desc.str() +
                         ", not a float tensor");
  const fb::InitSpec *init = buffer.init();
  if (init && static_cast<unsigned>(init->kind()) >
                  static_cast<unsigned>(fb::InitKind::MAX))
    return Status::error(label + " has an unknown initializer");
  if (fb::isPersistent(buffer.role())) {
    std::string badInit = init ? checkInit(*init) : "has no initializer";
    if (!badInit.empty())
      return Status::error(label + " " + badInit);
  }
  return Status::ok();
}

Status checkIndices(const flatbuffers::Vector<uint32_t> *indices,
                    uint32_t limit, const std::string &what) {
  if (!indices)
    return Status::ok();
  for (uint32_t i : *indices)
    if (i >= limit)
      return Status::error(what + " refer to buffer " + std::to_string(i) +
                           ", but the program has " + std::to_string(limit) +
                           " buffers");
  return Status::ok();
}

Status checkBindings(
    const flatbuffers::Vector<flatbuffers::Offset<fb::Binding>> *bindings,
    uint32_t numBuffers, const std::string &what) {
  if (!bindings)
    return Status::ok();
  std::set<std::string> names;
  for (const fb::Binding *b : *bindings) {
    if (!b->name() || b->name()->size() == 0)
      return Status::error(what + " has an unnamed binding");
    if (b->buffer() >= numBuffers)
      return Status::error(what + " '" + b->name()->str() +
                           "' refers to buffer " + std::to_string(b->buffer()) +
                           ", but the program has " +
                           std::to_string(numBuffers) + " buffers");
    std::string badName = checkName(b->name()->str());
    if (!badName.empty())
      return Status::error(what + " name " + badName);
    if (!names.insert(b->name()->str()).second)
      return Status::error(what + " '" + b->name()->str() + "' appears twice");
  }
  return Status::ok();
}

/// Whether `kind` is an inference entry point (prefill or decode), whose
/// inputs are token ids and a position.
bool isInference(fb::EntryKind kind) {
  return kind == fb::EntryKind::prefill || kind == fb::EntryKind::decode;
}

/// Token-window bindings: inputs only, on integer [B, T] buffers, with a
/// vocabulary in [1, 2^31] and a shift below 2^40; an entry point's inputs
/// are all token windows of one vocabulary, or all rows. Prefill and
/// decode inputs are token ids with a vocabulary (not windows) and one
/// position, an integer scalar.
Status checkTokenWindows(const fb::EntryPoint &entry,
                         const fb::Program &program, const std::string &label) {
  if (entry.outputs())
    for (const fb::Binding *b : *entry.outputs())
      if (b->token_window() || b->shift() || b->vocab() || b->position())
        return Status::error(label + " output '" + b->name()->str() +
                             "' carries token-window or position fields; "
                             "only inputs have them");
  if (!entry.inputs())
    return Status::ok();
  bool inference = isInference(entry.kind());
  const fb::Binding *firstRow = nullptr, *firstWindow = nullptr,
                    *position = nullptr;
  for (const fb::Binding *b : *entry.inputs()) {
    std::string what = label + " input '" + b->name()->str() + "'";
    TensorDesc desc =
        Executable::bufferDesc(*program.buffers()->Get(b->buffer()));
    if (b->position()) {
      if (!inference)
        return Status::error(what + " is a position, which only prefill and "
                                    "decode entry points take");
      if (position)
        return Status::error(what + " is a second position (the first is '" +
                             position->name()->str() + "')");
      if (!desc.shape.empty() ||
          (desc.dtype != DType::i32 && desc.dtype != DType::i64))
        return Status::error(what + " is a position but its buffer is " +
                             desc.str() + ", not an i32 or i64 scalar");
      if (b->token_window() || b->shift() || b->vocab())
        return Status::error(what + " is a position but carries token fields");
      position = b;
      continue;
    }
    if (!b->token_window()) {
      if (b->shift() || (b->vocab() && !inference))
        return Status::error(what + " has a shift or vocabulary but is not a "
                                    "token window");
      if (b->vocab() && b->vocab() > (uint64_t(1) << 31))
        return Status::error(what + " has vocabulary " +
                             std::to_string(b->vocab()) +
                             " (expected 1 to 2^31)");
      firstRow = firstRow ? firstRow : b;
      continue;
    }
    if (desc.shape.size() != 2 ||
        (desc.dtype != DType::i32 && desc.dtype != DType::i64))
      return Status::error(what + " is a token window but its buffer is " +
                           desc.str() + ", not an i32 or i64 [B, T] tensor");
    if (b->vocab() < 1 || b->vocab() > (uint64_t(1) << 31))
      return Status::error(what + " has vocabulary " +
                           std::to_string(b->vocab()) +
                           " (expected 1 to 2^31)");
    if (b->shift() >= (uint64_t(1) << 40))
      return Status::error(what + " has shift " + std::to_string(b->shift()) +
                           " (expected below 2^40)");
    firstWindow = firstWindow ? firstWindow : b;
    if (b->vocab() != firstWindow->vocab())
      return Status::error(what + " has vocabulary " +
                           std::to_string(b->vocab()) + " but '" +
                           firstWindow->name()->str() + "' has " +
                           std::to_string(firstWindow->vocab()));
  }
  if (firstRow && firstWindow)
    return Status::error(label + " mixes row inputs ('" +
                         firstRow->name()->str() + "') and token windows ('" +
                         firstWindow->name()->str() + "')");
  return Status::ok();
}

/// What a prefill or decode entry promises: one token input, integer
/// [B, T] with a vocabulary V, one position, and the float logits
/// [B, T, V] as its first output.
Status checkInference(const fb::EntryPoint &entry, const fb::Program &program,
                      const std::string &label) {
  std::string aKind = std::string("a ") + fb::EnumNameEntryKind(entry.kind());
  const fb::Binding *tokens = nullptr, *position = nullptr;
  if (entry.inputs())
    for (const fb::Binding *b : *entry.inputs()) {
      if (b->position()) {
        position = b;
        continue;
      }
      if (tokens || !b->vocab())
        return Status::error(label + " is " + aKind +
                             " entry point with input '" + b->name()->str() +
                             "', which is neither its one token input (with "
                             "a vocabulary) nor its position");
      tokens = b;
    }
  if (!tokens || !position)
    return Status::error(label + " is " + aKind + " entry point without " +
                         (tokens ? "a position input" : "a token input"));
  TensorDesc ids =
      Executable::bufferDesc(*program.buffers()->Get(tokens->buffer()));
  if (ids.shape.size() != 2 ||
      (ids.dtype != DType::i32 && ids.dtype != DType::i64))
    return Status::error(label + " token input '" + tokens->name()->str() +
                         "' is " + ids.str() +
                         ", not an i32 or i64 [B, T] tensor");
  std::vector<int64_t> expected = {ids.shape[0], ids.shape[1],
                                   static_cast<int64_t>(tokens->vocab())};
  const fb::Binding *logits = entry.outputs() && entry.outputs()->size()
                                  ? entry.outputs()->Get(0)
                                  : nullptr;
  if (!logits)
    return Status::error(label + " is " + aKind +
                         " entry point without outputs; it must report its "
                         "logits first");
  TensorDesc desc =
      Executable::bufferDesc(*program.buffers()->Get(logits->buffer()));
  if (desc.shape != expected ||
      (desc.dtype != DType::f32 && desc.dtype != DType::f64))
    return Status::error(
        label + " is " + aKind + " entry point whose first output '" +
        logits->name()->str() + "' is " + desc.str() +
        ", not float logits [B, T, V] = [" + std::to_string(expected[0]) +
        ", " + std::to_string(expected[1]) + ", " +
        std::to_string(expected[2]) + "]");
  return Status::ok();
}

/// What an entry point's kind promises: a train step runs commands, a
/// train or eval entry reports its scalar float loss first, prefill and
/// decode their logits.
Status checkKind(const fb::EntryPoint &entry, const fb::Program &program,
                 const std::string &label) {
  fb::EntryKind kind = entry.kind();
  if (static_cast<unsigned>(kind) > static_cast<unsigned>(fb::EntryKind::MAX))
    return Status::error(label + " has an unknown kind " +
                         std::to_string(static_cast<int>(kind)));
  if (kind == fb::EntryKind::other)
    return Status::ok();
  if (isInference(kind))
    return checkInference(entry, program, label);
  std::string name = fb::EnumNameEntryKind(kind);
  bool vowel = kind == fb::EntryKind::eval ||
               kind == fb::EntryKind::accumulate ||
               kind == fb::EntryKind::apply;
  std::string aKind = (vowel ? "an " : "a ") + name;
  if (kind != fb::EntryKind::eval &&
      (!entry.commands() || entry.commands()->size() == 0))
    return Status::error(label + " is " + aKind + " step without commands");
  if ((kind == fb::EntryKind::apply) != (entry.micro_batches() != 0))
    return Status::error(label + " is " + aKind + " entry point with " +
                         std::to_string(entry.micro_batches()) +
                         " micro-batches; apply entry points, and only they, "
                         "average at least 2");
  if (kind == fb::EntryKind::apply) {
    if (entry.micro_batches() < 2)
      return Status::error(label + " is an apply entry point averaging " +
                           std::to_string(entry.micro_batches()) +
                           " micro-batch; it needs at least 2");
    if (entry.inputs() && entry.inputs()->size() != 0)
      return Status::error(label + " is an apply entry point with inputs; "
                                   "it reads only the accumulated gradients");
    return Status::ok(); // it reports lr and grad_norm, if anything
  }
  if (!entry.outputs() || entry.outputs()->size() == 0)
    return Status::error(label + " is " + aKind +
                         " entry point without outputs; it must report its "
                         "loss first");
  const fb::Binding *loss = entry.outputs()->Get(0);
  const fb::Buffer &buffer = *program.buffers()->Get(loss->buffer());
  TensorDesc desc = Executable::bufferDesc(buffer);
  if (desc.numElements() != 1 || !desc.shape.empty() ||
      (desc.dtype != DType::f32 && desc.dtype != DType::f64))
    return Status::error(label + " is " + aKind +
                         " entry point whose first "
                         "output '" +
                         loss->name()->str() + "' is " + desc.str() +
                         ", not a scalar float loss");
  return Status::ok();
}

/// Refuses a command writing an input or a constant, which only the caller
/// and session creation write.
Status checkWritable(uint32_t buffer, const fb::Program &program,
                     const std::string &where) {
  fb::BufferRole role = program.buffers()->Get(buffer)->role();
  if (role == fb::BufferRole::constant || role == fb::BufferRole::input)
    return Status::error(where + " writes to " +
                         bufferLabel(buffer, *program.buffers()->Get(buffer)) +
                         ", which is read-only (" +
                         fb::EnumNameBufferRole(role) + ")");
  return Status::ok();
}

Status checkDispatch(const fb::Dispatch &dispatch, const fb::Program &program,
                     const std::string &where) {
  uint32_t numBuffers = program.buffers()->size();
  uint32_t numKernels = program.kernels() ? program.kernels()->size() : 0;
  if (dispatch.kernel() >= numKernels)
    return Status::error(
        where + " uses kernel " + std::to_string(dispatch.kernel()) +
        ", but the program has " + std::to_string(numKernels) + " kernels");
  MLC_RETURN_IF_ERROR(
      checkIndices(dispatch.operands(), numBuffers, where + " operands"));
  MLC_RETURN_IF_ERROR(
      checkIndices(dispatch.results(), numBuffers, where + " results"));
  if (dispatch.results())
    for (uint32_t r : *dispatch.results())
      MLC_RETURN_IF_ERROR(checkWritable(r, program, where));
  return Status::ok();
}

/// A copy between two distinct buffers of the same dtype and shape.
Status checkCopy(const fb::Copy &copy, const fb::Program &program,
                 const std::string &where) {
  uint32_t numBuffers = program.buffers()->size();
  for (uint32_t b : {copy.source(), copy.target()})
    if (b >= numBuffers)
      return Status::error(where + " copies buffer " + std::to_string(b) +
                           ", but the program has " +
                           std::to_string(numBuffers) + " buffers");
  MLC_RETURN_IF_ERROR(checkWritable(copy.target(), program, where));
  const fb::Buffer &source = *program.buffers()->Get(copy.source());
  const fb::Buffer &target = *program.buffers()->Get(copy.target());
  if (copy.source() == copy.target())
    return Status::error(where + " copies " +
                         bufferLabel(copy.source(), source) + " onto itself");
  TensorDesc from = Executable::bufferDesc(source),
             to = Executable::bufferDesc(target);
  if (from.dtype != to.dtype || from.shape != to.shape)
    return Status::error(
        where + " copies " + bufferLabel(copy.source(), source) + " (" +
        from.str() + ") into " + bufferLabel(copy.target(), target) + " (" +
        to.str() + "); a copy needs the same dtype and shape");
  return Status::ok();
}

/// The size of each mesh axis, in order.
using MeshSizes = std::vector<uint32_t>;

/// Mesh axes named by a collective or an entry point: indices into the
/// mesh, increasing (so each at most once).
Status checkMeshAxes(const flatbuffers::Vector<uint32_t> *axes,
                     const MeshSizes &mesh, const std::string &what) {
  if (!axes)
    return Status::ok();
  int64_t previous = -1;
  for (uint32_t a : *axes) {
    if (a >= mesh.size())
      return Status::error(what + " names mesh axis " + std::to_string(a) +
                           ", but the mesh has " + std::to_string(mesh.size()) +
                           (mesh.size() == 1 ? " axis" : " axes"));
    if (static_cast<int64_t>(a) <= previous)
      return Status::error(what + " lists mesh axes out of order or twice (" +
                           std::to_string(previous) + " before " +
                           std::to_string(a) + "); they must increase");
    previous = a;
  }
  return Status::ok();
}

/// The ranks in a group over `axes` (checked) of the mesh.
uint64_t groupSize(const flatbuffers::Vector<uint32_t> &axes,
                   const MeshSizes &mesh) {
  uint64_t size = 1;
  for (uint32_t a : axes)
    size *= mesh[a];
  return size;
}

/// How many operands and results a collective of `kind` takes: all_reduce
/// and reduce_scatter take a bucket (one or more of each, pairwise); the
/// others one buffer on each side they have.
Status checkCollectiveArity(const fb::Collective &c, const std::string &where) {
  size_t operands = c.operands() ? c.operands()->size() : 0;
  size_t results = c.results() ? c.results()->size() : 0;
  size_t wantOperands = 1, wantResults = 1;
  switch (c.kind()) {
  case fb::CollectiveKind::all_reduce:
  case fb::CollectiveKind::reduce_scatter:
    if (operands == 0 || operands != results)
      return Status::error(where + " has " + std::to_string(operands) +
                           " operands and " + std::to_string(results) +
                           " results; " + fb::EnumNameCollectiveKind(c.kind()) +
                           " takes one or more operands and a result for "
                           "each");
    return Status::ok();
  case fb::CollectiveKind::send:
    wantResults = 0;
    break;
  case fb::CollectiveKind::recv:
    wantOperands = 0;
    break;
  default:
    break;
  }
  if (operands != wantOperands || results != wantResults)
    return Status::error(where + " has " + std::to_string(operands) +
                         " operands and " + std::to_string(results) +
                         " results; " + fb::EnumNameCollectiveKind(c.kind()) +
                         " takes " + std::to_string(wantOperands) + " and " +
                         std::to_string(wantResults));
  return Status::ok();
}

/// What a reduction can reduce: floats and 32/64-bit integers; the mean
/// only floats.
Status checkReducible(const fb::Collective &c, DType dtype,
                      const std::string &where) {
  if (static_cast<unsigned>(c.reduction()) >
      static_cast<unsigned>(fb::Reduction::MAX))
    return Status::error(where + " has an unknown reduction " +
                         std::to_string(static_cast<int>(c.reduction())));
  bool isFloat = dtype == DType::f32 || dtype == DType::f64;
  bool isInt = dtype == DType::i32 || dtype == DType::i64;
  if (!isFloat && !isInt)
    return Status::error(where + " reduces " + dtypeName(dtype) +
                         " elements; collectives reduce f32, f64, i32 and "
                         "i64");
  if (c.reduction() == fb::Reduction::mean && !isFloat)
    return Status::error(where + " takes the mean of " + dtypeName(dtype) +
                         " elements; the mean is of floats only");
  return Status::ok();
}

/// The buffers of a collective against one another: an all_reduce's pairs
/// and a broadcast's buffer of one type (the result may be the operand,
/// in place), an all_reduce's bucket of one dtype; reduce_scatter's result
/// 1/size of its operand and all_gather's size times it, distinct buffers.
Status checkCollectiveBuffers(const fb::Collective &c,
                              const fb::Program &program, uint64_t group,
                              const std::string &where) {
  auto desc = [&](uint32_t b) {
    return Executable::bufferDesc(*program.buffers()->Get(b));
  };
  auto label = [&](uint32_t b) {
    return bufferLabel(b, *program.buffers()->Get(b));
  };
  if (c.kind() == fb::CollectiveKind::send ||
      c.kind() == fb::CollectiveKind::recv) {
    bool send = c.kind() == fb::CollectiveKind::send;
    size_t operands = c.operands() ? c.operands()->size() : 0;
    size_t results = c.results() ? c.results()->size() : 0;
    if (operands != (send ? 1u : 0u) || results != (send ? 0u : 1u))
      return Status::error(where + " is a " + (send ? "send" : "recv") +
                           " with " + std::to_string(operands) +
                           " operands and " + std::to_string(results) +
                           " results; a send reads one buffer and a recv "
                           "writes one");
    return Status::ok();
  }
  uint32_t first = c.operands()->Get(0);
  std::set<uint32_t> written;
  for (uint32_t i = 0; i < c.operands()->size(); ++i) {
    uint32_t in = c.operands()->Get(i), out = c.results()->Get(i);
    TensorDesc from = desc(in), to = desc(out);
    if (!written.insert(out).second)
      return Status::error(where + " writes " + label(out) + " twice");
    if (from.dtype != desc(first).dtype)
      return Status::error(where + " mixes " + dtypeName(desc(first).dtype) +
                           " (" + label(first) + ") and " +
                           dtypeName(from.dtype) + " (" + label(in) +
                           ") in one bucket; a bucket has one dtype");
    if (c.kind() == fb::CollectiveKind::all_reduce ||
        c.kind() == fb::CollectiveKind::broadcast) {
      if (from != to)
        return Status::error(where + " writes " + label(in) + " (" +
                             from.str() + ") into " + label(out) + " (" +
                             to.str() +
                             "); they need the same dtype and "
                             "shape");
      continue;
    }
    if (in == out)
      return Status::error(where + " writes over its operand " + label(in));
    bool gather = c.kind() == fb::CollectiveKind::all_gather;
    uint64_t part =
        static_cast<uint64_t>(gather ? from.numElements() : to.numElements());
    uint64_t whole =
        static_cast<uint64_t>(gather ? to.numElements() : from.numElements());
    if (from.dtype != to.dtype || part * group != whole)
      return Status::error(where + " takes " + label(in) + " (" + from.str() +
                           ") to " + label(out) + " (" + to.str() +
                           "); over a group of " + std::to_string(group) +
                           " ranks the " + (gather ? "result" : "operand") +
                           " has " + std::to_string(group) +
                           " times the elements of the " +
                           (gather ? "operand" : "result") + ", in one dtype");
  }
  return Status::ok();
}

Status checkCollective(const fb::Collective &c, const fb::Program &program,
                       const MeshSizes &mesh, const std::string &where) {
  if (static_cast<unsigned>(c.kind()) >
      static_cast<unsigned>(fb::CollectiveKind::MAX))
    return Status::error(where + " is a collective of unknown kind " +
                         std::to_string(static_cast<int>(c.kind())));
  std::string what = where + " (" + fb::EnumNameCollectiveKind(c.kind()) + ")";
  uint32_t numBuffers = program.buffers()->size();
  MLC_RETURN_IF_ERROR(
      checkIndices(c.operands(), numBuffers, what + " operands"));
  MLC_RETURN_IF_ERROR(checkIndices(c.results(), numBuffers, what + " results"));
  if (c.results())
    for (uint32_t r : *c.results())
      MLC_RETURN_IF_ERROR(checkWritable(r, program, what));
  MLC_RETURN_IF_ERROR(checkCollectiveArity(c, what));
  if (!c.axes() || c.axes()->size() == 0)
    return Status::error(what + " names no mesh axis to run over");
  MLC_RETURN_IF_ERROR(checkMeshAxes(c.axes(), mesh, what));
  uint64_t group = groupSize(*c.axes(), mesh);
  if (c.kind() == fb::CollectiveKind::all_reduce ||
      c.kind() == fb::CollectiveKind::reduce_scatter)
    MLC_RETURN_IF_ERROR(checkReducible(
        c,
        Executable::bufferDesc(*program.buffers()->Get(c.operands()->Get(0)))
            .dtype,
        what));
  if (c.kind() == fb::CollectiveKind::broadcast && c.root() >= group)
    return Status::error(what + " has root " + std::to_string(c.root()) +
                         " in a group of " + std::to_string(group) + " ranks");
  bool pointToPoint = c.kind() == fb::CollectiveKind::send ||
                      c.kind() == fb::CollectiveKind::recv;
  if (pointToPoint && c.peer() >= group)
    return Status::error(what + " has peer " + std::to_string(c.peer()) +
                         " in a group of " + std::to_string(group) + " ranks");
  return checkCollectiveBuffers(c, program, group, what);
}

Status checkCommand(const fb::Command &command, const fb::Program &program,
                    const MeshSizes &mesh, const std::string &where) {
  // The verifier accepts a union type without its table.
  if (!command.body())
    return Status::error(where + " has no body");
  switch (command.body_type()) {
  case fb::CommandBody::Dispatch:
    return checkDispatch(*command.body_as_Dispatch(), program, where);
  case fb::CommandBody::Copy:
    return checkCopy(*command.body_as_Copy(), program, where);
  case fb::CommandBody::Collective:
    return checkCollective(*command.body_as_Collective(), program, mesh, where);
  case fb::CommandBody::Barrier:
    return Status::error(where + " is a " +
                         fb::EnumNameCommandBody(command.body_type()) +
                         ", which this runtime does not run yet");
  case fb::CommandBody::NONE:
    return Status::error(where + " has no body");
  }
  return Status::error(where + " has an unknown body type " +
                       std::to_string(static_cast<int>(command.body_type())));
}

Status checkEntryPoint(const fb::EntryPoint &entry, const fb::Program &program,
                       const MeshSizes &mesh) {
  uint32_t numBuffers = program.buffers()->size();
  if (!entry.name() || entry.name()->size() == 0)
    return Status::error("an entry point has no name");
  std::string label = "entry point '" + entry.name()->str() + "'";
  MLC_RETURN_IF_ERROR(
      checkBindings(entry.inputs(), numBuffers, label + " input"));
  MLC_RETURN_IF_ERROR(
      checkBindings(entry.outputs(), numBuffers, label + " output"));
  MLC_RETURN_IF_ERROR(checkTokenWindows(entry, program, label));
  MLC_RETURN_IF_ERROR(checkKind(entry, program, label));
  MLC_RETURN_IF_ERROR(
      checkMeshAxes(entry.batch_axes(), mesh, label + " splits its batch and"));
  if (!entry.commands())
    return Status::ok();
  for (uint32_t c = 0; c < entry.commands()->size(); ++c)
    MLC_RETURN_IF_ERROR(checkCommand(*entry.commands()->Get(c), program, mesh,
                                     label + " command " + std::to_string(c)));
  return Status::ok();
}

/// A sharded buffer: a parameter or optimizer state whose shape is the
/// piece its shard takes from the whole shape over the mesh.
Status checkShard(uint32_t index, const fb::Buffer &buffer,
                  const MeshSizes &mesh) {
  const fb::Shard *shard = buffer.shard();
  if (!shard)
    return Status::ok();
  std::string label = bufferLabel(index, buffer);
  if (buffer.role() != fb::BufferRole::parameter &&
      buffer.role() != fb::BufferRole::optimizer_state)
    return Status::error(label + " is sharded, but only parameters and "
                                 "optimizer state are");
  if (!elementsAligned(shard->shape()))
    return Status::error(label + " has a misaligned shard shape");
  StatusOr<std::vector<int64_t>> piece = shardPieceShape(*shard, mesh, label);
  if (!piece.isOk())
    return piece.status();
  TensorDesc desc = Executable::bufferDesc(buffer);
  if (*piece != desc.shape) {
    TensorDesc expected = desc;
    expected.shape = *piece;
    return Status::error(label + " is " + desc.str() +
                         ", but its shard's piece is " + expected.str());
  }
  return Status::ok();
}

/// Program `index`, run first by rank `firstRank`.
Status checkProgram(uint32_t index, uint32_t firstRank,
                    const fb::Program &program, const MeshSizes &mesh) {
  if (program.rank() != firstRank)
    return Status::error("program " + std::to_string(index) +
                         " says its first rank is " +
                         std::to_string(program.rank()) + ", but it is rank " +
                         std::to_string(firstRank));
  if (!program.target() || program.target()->size() == 0)
    return Status::error("program " + std::to_string(index) +
                         " names no target");
  if (!program.buffers())
    return Status::error("program " + std::to_string(index) +
                         " has no buffer table");
  std::set<std::string> names;
  for (uint32_t i = 0; i < program.buffers()->size(); ++i) {
    const fb::Buffer &buffer = *program.buffers()->Get(i);
    MLC_RETURN_IF_ERROR(checkBuffer(i, buffer));
    MLC_RETURN_IF_ERROR(checkShard(i, buffer, mesh));
    if (!names.insert(buffer.name()->str()).second)
      return Status::error(bufferLabel(i, buffer) +
                           " reuses another buffer's name");
  }
  if (program.kernels())
    for (uint32_t k = 0; k < program.kernels()->size(); ++k) {
      const fb::Kernel &kernel = *program.kernels()->Get(k);
      if (kernel.body_type() == fb::KernelBody::NONE || !kernel.body())
        return Status::error("kernel " + std::to_string(k) + " has no body");
      if (const fb::CpuKernel *cpu = kernel.body_as_CpuKernel())
        if (!elementsAligned(cpu->axes()) || !elementsAligned(cpu->perm()))
          return Status::error("kernel " + std::to_string(k) +
                               " has misaligned attributes");
    }
  if (!program.entry_points() || program.entry_points()->size() == 0)
    return Status::error("program " + std::to_string(index) +
                         " has no entry points");
  std::set<std::string> entryNames;
  std::set<uint32_t> written;
  std::vector<uint32_t> reads, writes;
  for (const fb::EntryPoint *entry : *program.entry_points()) {
    MLC_RETURN_IF_ERROR(checkEntryPoint(*entry, program, mesh));
    if (!entryNames.insert(entry->name()->str()).second)
      return Status::error("entry point '" + entry->name()->str() +
                           "' appears twice");
    if (entry->commands())
      for (const fb::Command *cmd : *entry->commands()) {
        commandBuffers(*cmd, reads, writes);
        written.insert(writes.begin(), writes.end());
      }
  }
  // A cache nothing writes stays zero: a model whose attention reads it
  // would silently ignore the prompt.
  for (uint32_t i = 0; i < program.buffers()->size(); ++i)
    if (program.buffers()->Get(i)->role() == fb::BufferRole::kv_cache &&
        !written.count(i))
      return Status::error(bufferLabel(i, *program.buffers()->Get(i)) +
                           " is a KV cache that no entry point writes");
  return checkArenas(program);
}

/// The mesh's axes: named (names safetensors and logs can hold, each
/// once), of size at least 1, at most 2^20 ranks in all; their sizes go to
/// `sizes`.
Status checkMesh(const fb::Executable &exe, MeshSizes &sizes) {
  if (!exe.mesh() || !exe.mesh()->axes())
    return Status::ok();
  std::set<std::string> names;
  uint64_t ranks = 1;
  for (uint32_t i = 0; i < exe.mesh()->axes()->size(); ++i) {
    const fb::MeshAxis *axis = exe.mesh()->axes()->Get(i);
    std::string name = axis->name() ? axis->name()->str() : "";
    std::string what = "mesh axis " + std::to_string(i);
    std::string badName = checkName(name);
    if (!badName.empty())
      return Status::error("the name of " + what + " " + badName);
    if (!names.insert(name).second)
      return Status::error(what + " ('" + name + "') repeats an axis name");
    if (axis->size() == 0)
      return Status::error(what + " ('" + name + "') has size 0");
    ranks *= axis->size();
    if (ranks > (1u << 20))
      return Status::error("mesh is too large");
    sizes.push_back(axis->size());
  }
  return Status::ok();
}

/// A pipeline's stages: the programs, one per coordinate of the pp axis.
Status checkPipeline(const fb::Executable &exe, uint32_t numPrograms) {
  const fb::Pipeline *p = exe.pipeline();
  if (!p)
    return Status::ok();
  int64_t stages = -1;
  if (exe.mesh() && exe.mesh()->axes())
    for (const fb::MeshAxis *axis : *exe.mesh()->axes())
      if (axis->name() && axis->name()->str() == "pp")
        stages = axis->size();
  std::string what =
      "the pipeline of " + std::to_string(p->stages()) + " stages";
  if (stages < 0)
    return Status::error(what + " needs a mesh with a pp axis");
  if (p->stages() < 2 || p->stages() != stages)
    return Status::error(what + " does not match the mesh's pp axis of " +
                         std::to_string(stages));
  if (numPrograms != p->stages())
    return Status::error(what + " has " + std::to_string(numPrograms) +
                         " programs; each stage is one");
  if (p->micro_batches() < 1)
    return Status::error(what + " has no micro-batches");
  std::string schedule = p->schedule() ? p->schedule()->str() : "";
  if (schedule != "gpipe" && schedule != "1f1b")
    return Status::error(what + " has schedule '" + schedule +
                         "' (gpipe or 1f1b)");
  return Status::ok();
}

Status checkMeaning(const fb::Executable &exe) {
  uint32_t version = exe.format_version();
  if (version == 0)
    return Status::error("no format version");
  if (version > fb::kFormatVersion)
    return Status::error("format version " + std::to_string(version) +
                         " is newer than this runtime reads (" +
                         std::to_string(fb::kFormatVersion) +
                         "); use a newer mlc-run or recompile the model");
  if (version < fb::kOldestFormatVersion)
    return Status::error("format version " + std::to_string(version) +
                         " is older than this runtime reads (" +
                         std::to_string(fb::kOldestFormatVersion) + " to " +
                         std::to_string(fb::kFormatVersion) +
                         "); recompile the model with this mlc");
  if (!exe.programs() || exe.programs()->size() == 0)
    return Status::error("no programs");
  MeshSizes mesh;
  MLC_RETURN_IF_ERROR(checkMesh(exe, mesh));
  uint64_t meshSize = 1;
  for (uint32_t size : mesh)
    meshSize *= size;
  // The program of each rank, and the first rank that runs each program.
  uint32_t numPrograms = exe.programs()->size();
  std::vector<int64_t> firstRank(numPrograms, -1);
  if (!exe.rank_programs() || exe.rank_programs()->size() == 0) {
    if (meshSize != numPrograms)
      return Status::error("mesh has " + std::to_string(meshSize) +
                           " ranks but the file has " +
                           std::to_string(numPrograms) +
                           " programs and no rank_programs to share them");
    for (uint32_t r = 0; r < numPrograms; ++r)
      firstRank[r] = r;
  } else {
    if (exe.rank_programs()->size() != meshSize)
      return Status::error(
          "rank_programs has " + std::to_string(exe.rank_programs()->size()) +
          " entries for a mesh of " + std::to_string(meshSize) + " ranks");
    for (uint32_t r = 0; r < meshSize; ++r) {
      uint32_t p = exe.rank_programs()->Get(r);
      if (p >= numPrograms)
        return Status::error("rank " + std::to_string(r) + " runs program " +
                             std::to_string(p) + ", but the file has " +
                             std::to_string(numPrograms) + " programs");
      if (firstRank[p] < 0)
        firstRank[p] = r;
    }
    for (uint32_t p = 0; p < numPrograms; ++p)
      if (firstRank[p] < 0)
        return Status::error("program " + std::to_string(p) +
                             " is run by no rank");
  }
  for (uint32_t p = 0; p < numPrograms; ++p)
    MLC_RETURN_IF_ERROR(checkProgram(p, static_cast<uint32_t>(firstRank[p]),
                                     *exe.programs()->Get(p), mesh));
  return checkPipeline(exe, numPrograms);
}

} // namespace

TensorDesc Executable::bufferDesc(const fb::Buffer &buffer) {
  TensorDesc desc;
  desc.dtype = buffer.dtype();
  if (buffer.shape())
    desc.shape.assign(buffer.shape()->begin(), buffer.shape()->end());
  return desc;
}

StatusOr<std::unique_ptr<Executable>>
Executable::verify(std::unique_ptr<Executable> exe, const uint8_t *data,
                   size_t size) {
  const std::string &origin = exe->origin_;
  auto fail = [&](const std::string &message) {
    return Status::error(origin + ": " + message);
  };
  if (size < 8)
    return fail("truncated: " + std::to_string(size) +
                " bytes is too short for an mlc executable");
  if (!flatbuffers::BufferHasIdentifier(data, fb::ExecutableIdentifier()))
    return fail("not an mlc executable (the file identifier is not 'MLCX')");
  if (size >= std::numeric_limits<flatbuffers::uoffset_t>::max())
    return fail("file is too large");
  flatbuffers::Verifier::Options options;
  options.max_depth = 64;
  options.max_tables = 10'000'000;
  flatbuffers::Verifier verifier(data, size, options);
  if (!fb::VerifyExecutableBuffer(verifier))
    return fail("corrupt or truncated executable (FlatBuffers verification "
                "failed)");
  exe->root_ = fb::GetExecutable(data);
  MLC_RETURN_IF_ERROR(checkMeaning(*exe->root_).withContext(origin));
  MeshSizes mesh;
  MLC_RETURN_IF_ERROR(checkMesh(*exe->root_, mesh)); // checked: sizes only
  exe->meshSizes_ = mesh;
  exe->meshRanks_ = 1;
  for (uint32_t size : mesh)
    exe->meshRanks_ *= size;
  return exe;
}

StatusOr<std::unique_ptr<Executable>>
Executable::loadBytes(std::vector<uint8_t> bytes, const std::string &origin) {
  std::unique_ptr<Executable> exe(new Executable());
  exe->origin_ = origin;
  exe->bytes_ = std::move(bytes);
  const uint8_t *data = exe->bytes_.data();
  size_t size = exe->bytes_.size();
  return verify(std::move(exe), data, size);
}

StatusOr<std::unique_ptr<Executable>>
Executable::loadFile(const std::string &path) {
  StatusOr<MappedFile> mapped = MappedFile::open(path);
  if (!mapped.isOk())
    return mapped.status();
  std::unique_ptr<Executable> exe(new Executable());
  exe->origin_ = path;
  exe->mapped_ = std::move(mapped).value();
  const uint8_t *data = exe->mapped_.data();
  size_t size = exe->mapped_.size();
  return verify(std::move(exe), data, size);
}

size_t Executable::programIndex(size_t rank) const {
  const auto *map = root_->rank_programs();
  if (!map || map->size() == 0)
    return rank;
  return map->Get(static_cast<flatbuffers::uoffset_t>(rank));
}

std::string Executable::describeMesh() const {
  std::string text;
  if (!root_->mesh() || !root_->mesh()->axes())
    return text;
  for (const fb::MeshAxis *axis : *root_->mesh()->axes())
    text += (text.empty() ? "" : ",") + axis->name()->str() + "=" +
            std::to_string(axis->size());
  return text;
}

const fb::EntryPoint *findEntryPoint(const fb::Program &program,
                                     const std::string &name) {
  for (const fb::EntryPoint *entry : *program.entry_points())
    if (entry->name()->str() == name)
      return entry;
  return nullptr;
}

} // namespace mlc::rt
