// Every registered mlc op declares what the compiler needs of it: a gradient
// rule or a reason to have none, a cost model, a cpu kernel (unless it is
// structural, a collective or rewritten away before export), and, if it is
// Elementwise, a
// place in the cpu target's fused loops. An op added without one of them
// fails here, naming the op and what it lacks. The cost model is then
// checked on ops of known shapes against hand-counted FLOPs, and einsum's
// against the ops -mlc-lower-einsum makes of it.
#include "backends/Target.h"
#include "ir/Cost.h"
#include "ir/MlcOps.h"
#include "passes/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <string>

namespace mlc {
namespace {

using mlir::OperationName;
using mlir::RegisteredOperationName;

/// The mlc ops registered in `context`, in name order.
std::vector<RegisteredOperationName> mlcOps(mlir::MLIRContext &context) {
  std::vector<RegisteredOperationName> ops;
  for (RegisteredOperationName name : context.getRegisteredOperations())
    if (name.getDialectNamespace() == "mlc")
      ops.push_back(name);
  return ops;
}

/// What `name` lacks, one sentence each; empty when it declares everything.
std::vector<std::string> missingConcerns(RegisteredOperationName name,
                                         const Target &cpu) {
  std::vector<std::string> missing;
  bool differentiable = name.hasInterface<DifferentiableOpInterface>();
  bool noGradient = name.hasInterface<NoGradientOpInterface>();
  if (!differentiable && !noGradient)
    missing.push_back("neither a gradient rule (Differentiable, with its "
                      "buildGradients in ir/MlcGradients.cpp) nor a reason to "
                      "have none (NoGradient, with its getNoGradientReason)");
  if (differentiable && noGradient)
    missing.push_back("both a gradient rule and NoGradientOpInterface; "
                      "it is one or the other");
  if (noGradient &&
      name.getInterface<NoGradientOpInterface>()->getNoGradientReason().empty())
    missing.push_back("NoGradientOpInterface with an empty reason");
  if (!name.hasTrait<trait::SupportedTensorSizes>())
    missing.push_back("no SupportedTensorSizes trait (define it with Mlc_Op)");

  // A terminator is part of its region op, which is costed and lowered.
  if (name.hasTrait<mlir::OpTrait::IsTerminator>())
    return missing;
  if (!name.hasInterface<CostOpInterface>())
    missing.push_back("no cost model (CostOpInterface: CostPerElement, or "
                      "Cost with a getFlops in ir/Cost.cpp)");
  // The exporter stores constants as buffers and writes collectives as
  // commands of their own; no kernel computes either.
  bool structural = name.hasTrait<mlir::OpTrait::ConstantLike>() ||
                    name.hasTrait<trait::LoweredBeforeExport>() ||
                    name.hasTrait<trait::Collective>();
  if (!structural && !cpu.hasKernel(name))
    missing.push_back("no cpu kernel (backends/cpu/CpuTarget.cpp), and it is "
                      "neither LoweredBeforeExport nor a Collective");
  if (structural && cpu.hasKernel(name))
    missing.push_back("a cpu kernel although no target ever sees it");
  if (name.hasTrait<trait::Elementwise>())
    if (std::optional<std::string> why = cpu.whyNotFusible(name))
      missing.push_back("the Elementwise trait, which -mlc-fuse puts into "
                        "loop regions, but the cpu target cannot: " +
                        *why);
  return missing;
}

class RegisteredOps : public ::testing::Test {
protected:
  void SetUp() override {
    context_.loadDialect<MlcDialect>();
    registerAllTargets(targets_);
    cpu_ = targets_.lookup("cpu");
    ASSERT_NE(cpu_, nullptr);
  }

  mlir::MLIRContext context_;
  TargetRegistry targets_;
  const Target *cpu_ = nullptr;
};

TEST_F(RegisteredOps, EveryOpDeclaresEachConcern) {
  std::vector<RegisteredOperationName> ops = mlcOps(context_);
  // The loop below must see the whole dialect, kernel regions included.
  ASSERT_GE(ops.size(), 50u);
  EXPECT_TRUE(RegisteredOperationName::lookup("mlc.fusion", &context_));
  for (RegisteredOperationName name : ops)
    for (const std::string &what : missingConcerns(name, *cpu_))
      ADD_FAILURE() << "'" << name.getStringRef().str() << "' has " << what;
}

TEST_F(RegisteredOps, EveryElementwiseOpRunsInLoopsAndNoOtherDoes) {
  // Besides the Elementwise ops, a fused loop holds nothing: a kernel of
  // its own (a reduction, a matmul) must stay outside them.
  unsigned elementwise = 0;
  for (RegisteredOperationName name : mlcOps(context_)) {
    bool fusible = !cpu_->whyNotFusible(name).has_value();
    bool isElementwise = name.hasTrait<trait::Elementwise>();
    elementwise += isElementwise;
    EXPECT_EQ(fusible, isElementwise)
        << "'" << name.getStringRef().str() << "' is "
        << (isElementwise ? "" : "not ") << "Elementwise but the cpu target "
        << (fusible ? "fuses" : "does not fuse") << " it";
  }
  EXPECT_GE(elementwise, 20u);
}

TEST_F(RegisteredOps, TargetsHaveNoKernelForOpsOutsideTheDialect) {
  EXPECT_FALSE(cpu_->hasKernel(OperationName("func.call", &context_)));
  EXPECT_TRUE(cpu_->whyNotFusible(OperationName("func.call", &context_)));
}

/// Parses `body` as the body of a function with the given arguments that
/// returns `%0` of type `result` (nothing if `result` is empty).
mlir::OwningOpRef<mlir::ModuleOp>
parseFunction(mlir::MLIRContext &context, const std::string &args,
              const std::string &body, const std::string &result = "") {
  std::string text = "func.func @f(" + args + ")" +
                     (result.empty() ? "" : " -> " + result) + " {\n" + body +
                     "  return" + (result.empty() ? "" : " %0 : " + result) +
                     "\n}\n";
  return mlir::parseSourceString<mlir::ModuleOp>(text, &context);
}

/// FLOPs of every op in the module's functions, terminators included.
uint64_t moduleFlops(mlir::ModuleOp module) {
  uint64_t flops = 0;
  module.walk([&](mlir::func::FuncOp func) {
    for (mlir::Operation &op : func.getBody().front())
      flops += countFlops(&op);
  });
  return flops;
}

/// Hand-counted FLOPs of one op each.
struct CostCase {
  const char *name;
  const char *args;
  const char *op;
  uint64_t flops;
};

void PrintTo(const CostCase &c, std::ostream *os) { *os << c.name; }

class OpCost : public ::testing::TestWithParam<CostCase> {
protected:
  void SetUp() override { context_.loadDialect<MlcDialect>(); }
  mlir::MLIRContext context_;
};

TEST_P(OpCost, MatchesHandCount) {
  const CostCase &c = GetParam();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseFunction(context_, c.args, std::string("  ") + c.op + "\n");
  ASSERT_TRUE(module) << c.op;
  EXPECT_EQ(moduleFlops(*module), c.flops);
}

INSTANTIATE_TEST_SUITE_P(
    Cost, OpCost,
    ::testing::Values(
        // 2 * (2 batch * 3 rows * 5 columns) * 4 (K)
        CostCase{"matmul", "%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>",
                 "%0 = mlc.matmul %a, %b : (tensor<2x3x4xf32>, "
                 "tensor<4x5xf32>) -> tensor<2x3x5xf32>",
                 240},
        // K is the lhs's second-to-last dimension when it is transposed.
        CostCase{"matmul_transposed",
                 "%a: tensor<4x3xf32>, %b: tensor<4x5xf32>",
                 "%0 = mlc.matmul %a, %b transpose_lhs : (tensor<4x3xf32>, "
                 "tensor<4x5xf32>) -> tensor<3x5xf32>",
                 120},
        // One per result element, broadcast operands or not.
        CostCase{"add", "%a: tensor<3x4xf32>, %b: tensor<4xf32>",
                 "%0 = mlc.add %a, %b : (tensor<3x4xf32>, tensor<4xf32>) -> "
                 "tensor<3x4xf32>",
                 12},
        CostCase{"broadcast_to", "%a: tensor<4xf32>",
                 "%0 = mlc.broadcast_to %a : (tensor<4xf32>) -> "
                 "tensor<3x4xf32>",
                 0},
        // One per input element.
        CostCase{"reduce_sum", "%a: tensor<3x4xf32>",
                 "%0 = mlc.reduce_sum %a axes = [1] : (tensor<3x4xf32>) -> "
                 "tensor<3xf32>",
                 12},
        CostCase{"layer_norm",
                 "%x: tensor<2x8xf32>, %w: tensor<8xf32>, %b: tensor<8xf32>",
                 "%0 = mlc.layer_norm %x, %w, %b : (tensor<2x8xf32>, "
                 "tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>",
                 80},
        // 4 * B H T D * S = 4 * (1 * 4 * 3 * 8) * 6; grouped kv heads.
        CostCase{"attention",
                 "%q: tensor<1x4x3x8xf32>, %k: tensor<1x2x6x8xf32>, "
                 "%v: tensor<1x2x6x8xf32>",
                 "%0 = mlc.attention %q, %k, %v causal : "
                 "(tensor<1x4x3x8xf32>, tensor<1x2x6x8xf32>, "
                 "tensor<1x2x6x8xf32>) -> tensor<1x4x3x8xf32>",
                 2304},
        CostCase{"attention_grad",
                 "%d: tensor<1x4x3x8xf32>, %q: tensor<1x4x3x8xf32>, "
                 "%k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>",
                 "%0:3 = mlc.attention_grad %d, %q, %k, %v : "
                 "(tensor<1x4x3x8xf32>, tensor<1x4x3x8xf32>, "
                 "tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32>) -> "
                 "(tensor<1x4x3x8xf32>, tensor<1x2x6x8xf32>, "
                 "tensor<1x2x6x8xf32>)",
                 4608},
        CostCase{"softmax_cross_entropy",
                 "%l: tensor<4x10xf32>, %y: tensor<4xi64>",
                 "%0 = mlc.softmax_cross_entropy %l, %y : (tensor<4x10xf32>, "
                 "tensor<4xi64>) -> tensor<f32>",
                 200},
        CostCase{"embedding", "%t: tensor<10x4xf32>, %i: tensor<2x3xi64>",
                 "%0 = mlc.embedding %t, %i : (tensor<10x4xf32>, "
                 "tensor<2x3xi64>) -> tensor<2x3x4xf32>",
                 0},
        // A kernel region costs its body: 12 (mul) + 12 (exp), the
        // broadcast and the yield nothing.
        CostCase{
            "fusion", "%a: tensor<3x4xf32>, %b: tensor<4xf32>",
            R"(%0 = mlc.fusion "loop"(%a, %b) : (tensor<3x4xf32>, tensor<4xf32>) -> tensor<3x4xf32> {
  ^bb0(%x: tensor<3x4xf32>, %y: tensor<4xf32>):
    %1 = mlc.broadcast_to %y : (tensor<4xf32>) -> tensor<3x4xf32>
    %2 = mlc.mul %x, %1 : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    %3 = mlc.exp %2 : tensor<3x4xf32>
    mlc.yield %3 : tensor<3x4xf32>
  })",
            24}),
    [](const ::testing::TestParamInfo<CostCase> &info) {
      return std::string(info.param.name);
    });

/// An einsum and the shapes of its operands.
struct EinsumCase {
  const char *name;
  const char *equation;
  std::vector<const char *> operandTypes;
  const char *resultType;
};

void PrintTo(const EinsumCase &c, std::ostream *os) { *os << c.name; }

class EinsumCost : public ::testing::TestWithParam<EinsumCase> {
protected:
  void SetUp() override {
    context_.loadDialect<MlcDialect>();
    registerMlcPasses();
  }
  mlir::MLIRContext context_;
};

TEST_P(EinsumCost, IsTheCostOfItsLowering) {
  const EinsumCase &c = GetParam();
  std::string args, operands, types;
  for (size_t i = 0; i < c.operandTypes.size(); ++i) {
    std::string sep = i ? ", " : "";
    args += sep + "%a" + std::to_string(i) + ": " + c.operandTypes[i];
    operands += sep + "%a" + std::to_string(i);
    types += sep + c.operandTypes[i];
  }
  std::string op = std::string("  %0 = mlc.einsum \"") + c.equation + "\" " +
                   operands + " : (" + types + ") -> " + c.resultType + "\n";
  // The function returns the einsum, so that its lowering is not dead code.
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseFunction(context_, args, op, c.resultType);
  ASSERT_TRUE(module) << op;
  uint64_t einsum = moduleFlops(*module);

  mlir::PassManager pm(&context_);
  pm.addNestedPass<mlir::func::FuncOp>(createLowerEinsum());
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  bool lowered = true;
  module->walk([&](EinsumOp) { lowered = false; });
  ASSERT_TRUE(lowered);
  EXPECT_EQ(einsum, moduleFlops(*module));
}

INSTANTIATE_TEST_SUITE_P(
    Cost, EinsumCost,
    ::testing::Values(
        EinsumCase{"batched_matmul",
                   "bij,bjk->bik",
                   {"tensor<2x3x4xf32>", "tensor<2x4x5xf32>"},
                   "tensor<2x3x5xf32>"},
        EinsumCase{"linear",
                   "...i,ij->...j",
                   {"tensor<2x3x4xf32>", "tensor<4x5xf32>"},
                   "tensor<2x3x5xf32>"},
        EinsumCase{"row_dot",
                   "bi,bi->b",
                   {"tensor<3x4xf32>", "tensor<3x4xf32>"},
                   "tensor<3xf32>"},
        EinsumCase{"product",
                   "ij,ij->ij",
                   {"tensor<3x4xf32>", "tensor<3x4xf32>"},
                   "tensor<3x4xf32>"},
        EinsumCase{"outer",
                   "i,j->ij",
                   {"tensor<3xf32>", "tensor<4xf32>"},
                   "tensor<3x4xf32>"},
        EinsumCase{"sum", "ij->j", {"tensor<3x4xf32>"}, "tensor<4xf32>"},
        EinsumCase{
            "permute", "ij->ji", {"tensor<3x4xf32>"}, "tensor<4x3xf32>"}),
    [](const ::testing::TestParamInfo<EinsumCase> &info) {
      return std::string(info.param.name);
    });

} // namespace
} // namespace mlc
