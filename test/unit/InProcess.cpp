// Test helper: compile MLIR text to an executable and run it in-process.
#include "InProcess.h"

#include "backends/Export.h"
#include "backends/Target.h"
#include "frontend/ModelFile.h"
#include "passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace mlc::test {

namespace {
void registerPassesOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    mlc::registerMlcPasses();
    mlir::registerTransformsPasses();
  });
}
} // namespace

std::string compileToExecutable(const std::string &source,
                                const std::string &pipeline,
                                std::string &error) {
  registerPassesOnce();
  mlir::MLIRContext context;
  loadModelDialects(context);
  llvm::SourceMgr sourceMgr;
  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, diagStream);
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source),
                               llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module) {
    error = "parse: " + diagnostics;
    return "";
  }
  mlir::PassManager pm(&context, mlir::ModuleOp::getOperationName());
  std::string pipelineErrors;
  llvm::raw_string_ostream pipelineStream(pipelineErrors);
  if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, pipelineStream))) {
    error = "pipeline: " + pipelineErrors;
    return "";
  }
  if (std::getenv("MLC_TEST_PRINT_IR")) {
    context.disableMultithreading();
    pm.enableIRPrinting();
  }
  if (mlir::failed(pm.run(*module))) {
    error = "passes: " + diagnostics;
    return "";
  }
  TargetRegistry targets;
  registerAllTargets(targets);
  ExportOptions options;
  options.modelName = "<test>";
  options.producer = "mlc tests";
  llvm::FailureOr<std::string> bytes =
      exportExecutable(*module, *targets.lookup("cpu"), options);
  if (mlir::failed(bytes)) {
    error = "export: " + diagnostics;
    return "";
  }
  return *bytes;
}

Loaded loadAndCreateSession(const std::string &bytes) {
  Loaded out;
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  auto exe = rt::Executable::loadBytes(std::move(data), "<test>");
  if (!exe.isOk()) {
    out.error = exe.status().message();
    return out;
  }
  rt::DeviceRegistry devices;
  rt::registerBuiltinDevices(devices);
  rt::DeviceOptions options;
  options.threads = 1;
  auto device = devices.create("cpu", options);
  if (!device.isOk()) {
    out.error = device.status().message();
    return out;
  }
  std::shared_ptr<const rt::Executable> shared(std::move(exe).value());
  auto session = rt::Session::create(shared, 0, std::move(device).value());
  if (!session.isOk()) {
    out.error = session.status().message();
    return out;
  }
  out.session = std::move(session).value();
  rt::Status init = out.session->initialize(0);
  if (!init.isOk())
    out.error = init.message();
  return out;
}

namespace {
template <typename T>
void convertFrom(const std::vector<double> &in, std::vector<uint8_t> &bytes) {
  bytes.resize(in.size() * sizeof(T));
  for (size_t i = 0; i < in.size(); ++i) {
    T v = static_cast<T>(in[i]);
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
}
template <typename T>
std::vector<double> convertTo(const std::vector<uint8_t> &bytes) {
  std::vector<double> out(bytes.size() / sizeof(T));
  for (size_t i = 0; i < out.size(); ++i) {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
  return out;
}
} // namespace

rt::Status writeAs(rt::Session &s, const std::string &name,
                   const std::vector<double> &values) {
  int64_t b = s.findBuffer(name);
  if (b < 0)
    return rt::Status::error("no buffer '" + name + "'");
  const rt::TensorDesc &desc = s.desc(static_cast<uint32_t>(b));
  if (static_cast<int64_t>(values.size()) != desc.numElements())
    return rt::Status::error("wrong element count for '" + name + "'");
  std::vector<uint8_t> bytes;
  switch (desc.dtype) {
  case rt::DType::f32:
    convertFrom<float>(values, bytes);
    break;
  case rt::DType::f64:
    convertFrom<double>(values, bytes);
    break;
  case rt::DType::i32:
    convertFrom<int32_t>(values, bytes);
    break;
  case rt::DType::i64:
    convertFrom<int64_t>(values, bytes);
    break;
  default:
    return rt::Status::error("unsupported dtype");
  }
  return s.write(static_cast<uint32_t>(b), bytes.data(), bytes.size());
}

static rt::StatusOr<std::vector<double>> readBuffer(rt::Session &s,
                                                    uint32_t b) {
  const rt::TensorDesc &desc = s.desc(b);
  std::vector<uint8_t> bytes(desc.byteSize());
  rt::Status st = s.read(b, bytes.data(), bytes.size());
  if (!st.isOk())
    return st;
  switch (desc.dtype) {
  case rt::DType::f32:
    return convertTo<float>(bytes);
  case rt::DType::f64:
    return convertTo<double>(bytes);
  case rt::DType::i32:
    return convertTo<int32_t>(bytes);
  case rt::DType::i64:
    return convertTo<int64_t>(bytes);
  case rt::DType::i1:
    return convertTo<uint8_t>(bytes);
  default:
    return rt::Status::error("unsupported dtype");
  }
}

rt::StatusOr<std::vector<double>> readAs(rt::Session &s,
                                         const std::string &name) {
  int64_t b = s.findBuffer(name);
  if (b < 0)
    return rt::Status::error("no buffer '" + name + "'");
  return readBuffer(s, static_cast<uint32_t>(b));
}

rt::StatusOr<std::map<std::string, std::vector<double>>>
runEntry(rt::Session &s, const std::string &name) {
  auto entry = s.entry(name);
  if (!entry.isOk())
    return entry.status();
  rt::Status st = s.run(**entry);
  if (!st.isOk())
    return st;
  std::map<std::string, std::vector<double>> out;
  for (const rt::BoundBuffer &o : (*entry)->outputs()) {
    auto values = readBuffer(s, o.buffer);
    if (!values.isOk())
      return values.status();
    out[o.name] = *values;
  }
  return out;
}

} // namespace mlc::test
