// Bad data found while a step runs goes through the device status word:
// the call fails naming the command and the problem, before the step has
// changed any state, and the session runs on normally afterwards.
#include "InProcess.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlc;
using namespace mlc::rt;

namespace {

/// Four rows of three features, five classes, Adam (parameters, moments
/// and a step counter are all state).
constexpr const char *kClassifier = R"mlir(
func.func @forward(
    %x: tensor<4x3xf32> {mlc.input = "x"},
    %y: tensor<4xi64> {mlc.input = "y"},
    %w: tensor<3x5xf32> {mlc.param = "w", mlc.init = #mlc.init<normal, std = 0.5>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %z = mlc.matmul %x, %w : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %loss = mlc.softmax_cross_entropy %z, %y : (tensor<4x5xf32>, tensor<4xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
)mlir";

/// Token ids [2, 3] into a table of ten rows, against a target.
constexpr const char *kLookup = R"mlir(
func.func @forward(
    %ids: tensor<2x3xi64> {mlc.input = "ids"},
    %t: tensor<2x3x4xf32> {mlc.input = "t"},
    %table: tensor<10x4xf32> {mlc.param = "table", mlc.init = #mlc.init<normal, std = 1.0>})
    -> (tensor<f32> {mlc.output = "loss"}) {
  %e = mlc.embedding %table, %ids : (tensor<10x4xf32>, tensor<2x3xi64>) -> tensor<2x3x4xf32>
  %loss = mlc.mse_loss %e, %t : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<f32>
  return %loss : tensor<f32>
}
)mlir";

/// `fuseLoss` runs -mlc-fuse-cross-entropy, as `mlc compile` does: the
/// loss and its gradient are then one softmax_cross_entropy_with_grad.
std::unique_ptr<Session> compile(const char *model, const char *optimizer,
                                 bool fuseLoss = false) {
  std::string error;
  std::string bytes = test::compileToExecutable(
      model,
      std::string("mlc-train-step{optimizer=") + optimizer +
          " lr=0.1}, canonicalize, cse, func.func(" +
          (fuseLoss ? "mlc-fuse-cross-entropy, " : "") +
          "mlc-fuse), mlc-plan-memory",
      error);
  EXPECT_FALSE(bytes.empty()) << error;
  test::Loaded loaded = test::loadAndCreateSession(bytes);
  EXPECT_TRUE(loaded.session) << loaded.error;
  if (loaded.session) {
    EXPECT_TRUE(loaded.session->initialize(3).isOk());
  }
  return std::move(loaded.session);
}

Entry &entryOf(Session &s, const std::string &name) {
  StatusOr<Entry *> entry = s.entry(name);
  EXPECT_TRUE(entry.isOk()) << entry.status().message();
  return **entry;
}

/// Every buffer that keeps its value across calls, by name.
std::map<std::string, std::vector<double>> state(Session &s) {
  std::map<std::string, std::vector<double>> values;
  for (uint32_t b = 0; b < s.numBuffers(); ++b)
    if (fb::keepsValues(s.bufferDef(b).role()))
      if (StatusOr<std::vector<double>> v = test::readAs(s, s.bufferName(b));
          v.isOk())
        values[s.bufferName(b)] = *v;
  return values;
}

const std::vector<double> kX = {0.5, -1, 2, 1, 0, -0.5, -2, 1, 0.25, 3, 1, -1};

TEST(DataStatus, ABadLabelStopsTheStepBeforeItChangesState) {
  std::unique_ptr<Session> s = compile(kClassifier, "adam");
  ASSERT_TRUE(s);
  Entry *step = &entryOf(*s, "train_step");
  ASSERT_TRUE(test::writeAs(*s, "x", kX).isOk());
  ASSERT_TRUE(test::writeAs(*s, "y", {0, 4, 7, 1}).isOk());
  auto before = state(*s);
  ASSERT_GE(before.size(), 4u); // w, its two moments, the step counter

  Status failed = s->run(*step);
  ASSERT_FALSE(failed.isOk());
  EXPECT_NE(failed.message().find("entry point 'train_step' command "),
            std::string::npos)
      << failed.message();
  EXPECT_NE(failed.message().find("softmax_cross_entropy: row 2 has label 7, "
                                  "expected a value in [0, 5) (found before "
                                  "the call updated any state)"),
            std::string::npos)
      << failed.message();
  EXPECT_EQ(s->lastProblem(), DataProblem::label_out_of_range);
  EXPECT_EQ(state(*s), before);

  // The word was cleared: a good batch trains.
  ASSERT_TRUE(test::writeAs(*s, "y", {0, 4, 2, 1}).isOk());
  Status ok = s->run(*step);
  ASSERT_TRUE(ok.isOk()) << ok.message();
  EXPECT_EQ(s->lastProblem(), DataProblem::none);
  EXPECT_NE(state(*s)["w"], before["w"]);
}

TEST(DataStatus, ANonFiniteLossStopsATrainStepButNotAnEval) {
  std::unique_ptr<Session> s = compile(kClassifier, "sgd");
  ASSERT_TRUE(s);
  std::vector<double> x = kX;
  x[4] = std::nan("");
  ASSERT_TRUE(test::writeAs(*s, "x", x).isOk());
  ASSERT_TRUE(test::writeAs(*s, "y", {0, 4, 2, 1}).isOk());
  auto before = state(*s);

  Status failed = s->run(entryOf(*s, "train_step"));
  ASSERT_FALSE(failed.isOk());
  EXPECT_NE(failed.message().find("softmax_cross_entropy: the loss is NaN"),
            std::string::npos)
      << failed.message();
  EXPECT_EQ(s->lastProblem(), DataProblem::non_finite_loss);
  EXPECT_EQ(state(*s), before);

  // eval changes no state: it reports the NaN as its loss.
  auto eval = test::runEntry(*s, "eval");
  ASSERT_TRUE(eval.isOk()) << eval.status().message();
  EXPECT_TRUE(std::isnan(eval->at("loss")[0]));
  EXPECT_EQ(s->lastProblem(), DataProblem::none);
}

TEST(DataStatus, TheFusedLossAndGradientReportBadLabelsAndNaN) {
  std::unique_ptr<Session> s = compile(kClassifier, "adam", /*fuseLoss=*/true);
  ASSERT_TRUE(s);
  Entry *step = &entryOf(*s, "train_step");
  ASSERT_TRUE(test::writeAs(*s, "x", kX).isOk());
  ASSERT_TRUE(test::writeAs(*s, "y", {0, 4, 7, 1}).isOk());
  auto before = state(*s);
  Status failed = s->run(*step);
  ASSERT_FALSE(failed.isOk());
  EXPECT_NE(failed.message().find("softmax_cross_entropy_with_grad: row 2 has "
                                  "label 7, expected a value in [0, 5) (found "
                                  "before the call updated any state)"),
            std::string::npos)
      << failed.message();
  EXPECT_EQ(s->lastProblem(), DataProblem::label_out_of_range);
  EXPECT_EQ(state(*s), before);

  std::vector<double> x = kX;
  x[4] = std::nan("");
  ASSERT_TRUE(test::writeAs(*s, "x", x).isOk());
  ASSERT_TRUE(test::writeAs(*s, "y", {0, 4, 2, 1}).isOk());
  failed = s->run(*step);
  ASSERT_FALSE(failed.isOk());
  EXPECT_NE(
      failed.message().find("softmax_cross_entropy_with_grad: the loss is NaN"),
      std::string::npos)
      << failed.message();
  EXPECT_EQ(s->lastProblem(), DataProblem::non_finite_loss);
  EXPECT_EQ(state(*s), before);

  ASSERT_TRUE(test::writeAs(*s, "x", kX).isOk());
  Status ok = s->run(*step);
  ASSERT_TRUE(ok.isOk()) << ok.message();
  EXPECT_NE(state(*s)["w"], before["w"]);
}

TEST(DataStatus, AnIdOutsideTheTableNamesItsPosition) {
  std::unique_ptr<Session> s = compile(kLookup, "sgd");
  ASSERT_TRUE(s);
  ASSERT_TRUE(test::writeAs(*s, "ids", {0, 1, 2, 3, 4, 12}).isOk());
  ASSERT_TRUE(test::writeAs(*s, "t", std::vector<double>(24, 0.5)).isOk());
  auto before = state(*s);

  Status failed = s->run(entryOf(*s, "train_step"));
  ASSERT_FALSE(failed.isOk());
  EXPECT_NE(failed.message().find("embedding: ids[1, 2] is 12, expected a "
                                  "value in [0, 10) (the table's rows)"),
            std::string::npos)
      << failed.message();
  EXPECT_EQ(s->lastProblem(), DataProblem::id_out_of_range);
  EXPECT_EQ(state(*s), before);

  // In eval the same ids fail the call too (after it, nothing to protect).
  Status eval = s->run(entryOf(*s, "eval"));
  ASSERT_FALSE(eval.isOk());
  EXPECT_NE(eval.message().find("entry point 'eval' command "),
            std::string::npos)
      << eval.message();
  EXPECT_EQ(eval.message().find("found before"), std::string::npos)
      << eval.message();
}

} // namespace
