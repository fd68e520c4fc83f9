// mlc-run: loads an .mlcx executable and trains it on a data set (or
// evaluates it), printing loss, step time and throughput. The training loop
// is the one place that reports them; read it top to bottom.
#include "Paths.h"
#include "Progress.h"
#include "Ranks.h"

#include "runtime/Checkpoint.h"
#include "runtime/Dataset.h"
#include "runtime/Executable.h"
#include "runtime/Generate.h"
#include "runtime/Metrics.h"
#include "runtime/Session.h"
#include "runtime/Tokenizer.h"
#include "runtime/Trace.h"
#include "tools/common/Args.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <unistd.h>

using namespace mlc;
using namespace mlc::rt;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char *kVersion = "0.1.0";

tools::Args declareArgs() {
  tools::Args a("mlc-run");
  a.option("data", "FILE",
           "training data (safetensors; tensors named after the model inputs, "
           "or a token file for token-window inputs)");
  a.option("steps", "N", "training steps (default: one pass over the data)");
  a.option("log-every", "N",
           "print and record metrics every N steps (default 100)");
  a.option("sample", "MODE",
           "replacement | shuffle | sequential (default shuffle; resuming: "
           "the checkpoint's)");
  a.option("seed", "N",
           "seed of initialization and sampling (default 0; resuming: the "
           "checkpoint's)");
  a.option("threads", "N",
           "threads of BLAS and of the kernels (default: one per core)");
  a.flag("flush-denormals",
         "treat subnormal floats as zero (faster late in training; not IEEE "
         "exact for tiny values)");
  a.option("metrics", "FILE",
           "write metrics as JSON lines, or CSV if FILE ends in .csv");
  a.option("eval-data", "FILE", "evaluate on this data set after training");
  a.option("eval-every", "N", "also evaluate every N steps");
  a.option("eval-batches", "N",
           "evaluate on the first N batches only (default: all)");
  a.flag("eval", "only evaluate (forward pass on --eval-data or --data)");
  a.option("init-from", "FILE", "load parameters from a safetensors file");
  a.option("resume", "FILE",
           "resume from a checkpoint (parameters, optimizer state, step)");
  a.option("save", "FILE",
           "write a checkpoint (parameters + optimizer state) at the end");
  a.option("save-params", "FILE", "write the parameters alone at the end");
  a.option("checkpoint-every", "N", "also write --save every N steps");
  a.option("save-outputs", "FILE",
           "write every output of the last eval call (the loss, metrics and "
           "tensors such as logits) as safetensors; with --eval or "
           "--eval-data");
  a.flag("no-progress", "no progress bar, even on a terminal");
  a.option("profile", "FILE",
           "time every command and write the times per entry point call as "
           "JSON; prints the kernel kinds that took longest");
  a.option("trace", "FILE",
           "write when each command of each call ran as a Chrome trace "
           "(chrome://tracing, ui.perfetto.dev): one process per rank, its "
           "compute and communication tracks");
  a.flag("generate",
         "generate text with the prefill and decode entry points (batch 1)");
  a.option("prompt", "TEXT",
           "--generate: the prompt, encoded with the byte tokenizer");
  a.option("prompt-ids", "IDS",
           "--generate: the prompt as token ids, e.g. 1,2,3 (models whose "
           "tokenizer is not the byte-level one)");
  a.option("max-new-tokens", "N", "--generate: tokens to generate");
  a.option("temperature", "T",
           "--generate: softmax temperature, 0 for greedy (default 1)");
  a.option("top-k", "K",
           "--generate: sample among the K most likely tokens (default 0: "
           "all)");
  a.option("top-p", "P",
           "--generate: sample among the smallest set of most likely tokens "
           "whose probability reaches P, in (0, 1] (default 1: all)");
  a.flag("print-ids", "--generate: print token ids instead of text");
  run::declareRankOptions(a);
  a.flag("help", "show this help");
  a.flag("version", "show the version");
  return a;
}

/// Scalar outputs of an entry point (floats, integers, booleans), read
/// after each call. The loss, outputs[0] of train and eval entry points, is
/// the first of them.
struct ScalarOutputs {
  std::vector<const BoundBuffer *> outputs;
  std::vector<double> values;

  explicit ScalarOutputs(const Entry &entry) { add(entry); }

  /// Adds the scalar outputs of `entry` after those there are.
  void add(const Entry &entry) {
    for (const BoundBuffer &b : entry.outputs())
      if (b.desc->numElements() == 1)
        outputs.push_back(&b);
    values.resize(outputs.size());
  }

  /// Reads outputs [begin, end) (default: all).
  Status read(Session &session, size_t begin = 0, size_t end = SIZE_MAX) {
    for (size_t i = begin; i < std::min(end, outputs.size()); ++i) {
      const BoundBuffer &b = *outputs[i];
      uint64_t bits = 0; // big enough for every dtype
      MLC_RETURN_IF_ERROR(session.read(b.buffer, &bits, b.desc->byteSize()));
      values[i] = toDouble(b.desc->dtype, &bits);
    }
    return Status::ok();
  }

  static double toDouble(DType dtype, const void *p) {
    switch (dtype) {
    case DType::f32:
      return *static_cast<const float *>(p);
    case DType::f64:
      return *static_cast<const double *>(p);
    case DType::i32:
      return *static_cast<const int32_t *>(p);
    case DType::i64:
      return static_cast<double>(*static_cast<const int64_t *>(p));
    case DType::i1:
      return *static_cast<const uint8_t *>(p) ? 1.0 : 0.0;
    default:
      return std::nan("");
    }
  }
};

/// The entry points of one optimizer step: the train step, or, with
/// gradient accumulation, `microBatches` calls of the accumulate entry
/// point (one per micro-batch, consecutive batches of the data order) and
/// one of apply.
struct StepEntries {
  Entry *first = nullptr; // train, or accumulate
  Entry *apply = nullptr; // null without accumulation
  uint64_t microBatches = 1;

  uint64_t flops() const {
    return microBatches * first->flops() + (apply ? apply->flops() : 0);
  }
};

/// The train entry point, or the accumulate and apply pair.
StatusOr<StepEntries> findStepEntries(Session &session) {
  StepEntries entries;
  StatusOr<Entry *> train = session.entryOfKind(fb::EntryKind::train);
  if (train.isOk()) {
    entries.first = *train;
    return entries;
  }
  StatusOr<Entry *> accumulate = session.entryOfKind(fb::EntryKind::accumulate);
  StatusOr<Entry *> apply = session.entryOfKind(fb::EntryKind::apply);
  if (!accumulate.isOk() && !apply.isOk())
    return Status::error(train.status().message() +
                         "; compile with --train to build a training step");
  if (!accumulate.isOk() || !apply.isOk())
    return Status::error(std::string("the executable has an ") +
                         (accumulate.isOk() ? "accumulate" : "apply") +
                         " entry point but no " +
                         (accumulate.isOk() ? "apply" : "accumulate") +
                         " entry point; gradient accumulation needs both");
  entries.first = *accumulate;
  entries.apply = *apply;
  entries.microBatches = (*apply)->microBatches();
  return entries;
}

/// The executable's optimizer as mlc-dump shows it; empty without one.
std::string optimizerOf(const Session &session) {
  const fb::Metadata *meta = session.executable().root().metadata();
  return meta && meta->optimizer() ? meta->optimizer()->str() : std::string();
}

/// The outputs a log cannot show (not scalars), said once: "logits
/// (4x10xf32)".
std::string unreported(const Entry &entry) {
  std::string s;
  for (const BoundBuffer &b : entry.outputs())
    if (b.desc->numElements() != 1)
      s += (s.empty() ? "" : ", ") + b.name + " (" + b.desc->str() + ")";
  return s;
}

std::string formatValue(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string formatValues(const ScalarOutputs &o, const std::vector<double> &v) {
  std::string s;
  for (size_t i = 0; i < o.outputs.size(); ++i)
    s += (i ? "  " : "") + o.outputs[i]->name + " " + formatValue(v[i]);
  return s;
}

std::string formatDuration(double seconds) {
  char buf[32];
  if (seconds < 1e-3)
    std::snprintf(buf, sizeof buf, "%.1fus", seconds * 1e6);
  else if (seconds < 1)
    std::snprintf(buf, sizeof buf, "%.2fms", seconds * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2fs", seconds);
  return buf;
}

/// Runs `entry` over `path` in order, in whole batches (once if the entry
/// takes no inputs and `path` is empty), and returns the mean of each
/// scalar output. A token file is read as consecutive windows. A last
/// partial batch is left out (shapes are static) and said so; with
/// `maxBatches` (0: all) only the first batches run. A loss that is not
/// finite is an error naming the batch.
StatusOr<std::vector<double>> evaluate(Session &session, Entry &entry,
                                       const std::string &path,
                                       uint64_t maxBatches,
                                       std::string &summary) {
  ScalarOutputs outputs(entry);
  std::vector<double> sums(outputs.values.size(), 0.0);
  std::optional<Dataset> data;
  // A batch split over ranks is read whole by the ranks together: each
  // loads its block of every global batch.
  uint64_t batch = entry.batchSize() * entry.batchShards(), batches = 1;
  if (!entry.inputs().empty() || !path.empty()) {
    StatusOr<Dataset> opened =
        Dataset::open(path, entry, WindowLayout::Consecutive);
    if (!opened.isOk())
      return opened.status();
    data = std::move(opened).value();
    batches = data->numSamples() / batch;
    if (batches == 0)
      return Status::error(path + " has " + data->describeSize() +
                           ", fewer than one batch of " +
                           std::to_string(batch));
    if (maxBatches)
      batches = std::min(batches, maxBatches);
  }
  std::vector<uint64_t> rows(entry.batchSize());
  for (uint64_t b = 0; b < batches; ++b) {
    for (uint64_t i = 0; i < rows.size(); ++i)
      rows[i] = b * batch + entry.batchShard() * entry.batchSize() + i;
    if (data)
      MLC_RETURN_IF_ERROR(data->load(session, rows));
    MLC_RETURN_IF_ERROR(session.run(entry));
    MLC_RETURN_IF_ERROR(outputs.read(session));
    double loss = outputs.values[0];
    if (!std::isfinite(loss))
      return Status::error("eval loss is " +
                           std::string(std::isnan(loss) ? "NaN" : "infinite") +
                           (data ? " on batch " + std::to_string(b + 1) + " (" +
                                       data->describeBatch(rows) + ")"
                                 : std::string()));
    for (size_t i = 0; i < sums.size(); ++i)
      sums[i] += outputs.values[i];
  }
  for (double &s : sums)
    s /= static_cast<double>(batches);
  if (data) {
    uint64_t used = batches * batch, left = data->numSamples() - used;
    summary = "eval on " + path + " (" + std::to_string(used) +
              (data->isTokenStream() ? " windows" : " samples");
    if (left >= batch)
      summary += "; --eval-batches " + std::to_string(batches) + " of " +
                 std::to_string(data->numSamples() / batch) + " batches";
    else if (left)
      summary += "; the last " + std::to_string(left) +
                 " do not fill a batch of " + std::to_string(batch) +
                 " and are left out";
    summary += "): " + formatValues(outputs, sums);
  } else {
    summary = "eval: " + formatValues(outputs, sums);
  }
  return sums;
}

std::vector<MetricField> metricRecord(const std::string &phase, uint64_t step,
                                      const ScalarOutputs &outputs,
                                      const std::vector<double> &values) {
  std::vector<MetricField> r = {
      MetricField::str("phase", phase),
      MetricField::num("step", static_cast<double>(step))};
  for (size_t i = 0; i < outputs.outputs.size(); ++i)
    r.push_back(MetricField::num(outputs.outputs[i]->name, values[i]));
  return r;
}

struct RunConfig {
  uint64_t seed, steps, logEvery, evalEvery, evalBatches, checkpointEvery;
  bool haveSteps;
  Sampling sampling;
  /// The data order of the checkpoint a run resumes from, if it has one.
  std::optional<DataOrder> resumedOrder;
  /// Its batches per step and optimizer, if it records them.
  std::optional<TrainingRecord> resumedRecord;
};

class Runner {
public:
  Runner(const tools::Args &args, Session &session, run::Ranks &ranks)
      : args_(args), session_(session), ranks_(ranks) {}

  Status train(const RunConfig &cfg, uint64_t firstStep);
  /// Runs optimizer step `s` (0-based), leaving its scalar outputs in
  /// `outputs` (with accumulation, the mean over the micro-batches of the
  /// accumulate entry point's, then apply's); returns the seconds the entry
  /// points ran. `where` names the step and its data for messages.
  StatusOr<double> runStep(const StepEntries &entries, uint64_t s,
                           Dataset *data, Sampler *sampler,
                           ScalarOutputs &outputs, std::string &where);
  Status evalIfAsked(uint64_t step, const char *when);
  Status save(uint64_t step);

  std::unique_ptr<MetricsWriter> metrics;
  uint64_t evalBatches = 0; // --eval-batches; 0: all

private:
  const tools::Args &args_;
  Session &session_;
  /// Rank 0 writes checkpoints and outputs; every rank runs every step.
  run::Ranks &ranks_;
  /// The data order and training record, for checkpoints.
  std::map<std::string, std::string> checkpointMetadata_;
};

Status Runner::evalIfAsked(uint64_t step, const char *when) {
  std::string path = args_.get("eval-data");
  if (path.empty())
    return Status::ok();
  StatusOr<Entry *> eval = session_.entryOfKind(fb::EntryKind::eval);
  if (!eval.isOk())
    return eval.status();
  std::string summary;
  StatusOr<std::vector<double>> means =
      evaluate(session_, **eval, path, evalBatches, summary);
  if (!means.isOk())
    return means.status();
  std::printf("%s%s\n", when, summary.c_str());
  std::fflush(stdout);
  if (metrics)
    MLC_RETURN_IF_ERROR(metrics->write(
        metricRecord("eval", step, ScalarOutputs(**eval), *means)));
  if (args_.has("save-outputs") && ranks_.speaks())
    MLC_RETURN_IF_ERROR(saveOutputs(session_, **eval, args_.get("save-outputs"),
                                    {{"mlc.step", std::to_string(step)}}));
  return Status::ok();
}

Status Runner::save(uint64_t step) {
  // Rank 0 writes. Where the ranks hold the same parameters and state the
  // others have nothing to do; where they hold pieces, or the programs of
  // pipeline stages, every rank takes part in gathering them.
  if (!ranks_.speaks() && !session_.hasShardedState() &&
      session_.executable().numPrograms() == 1)
    return Status::ok();
  if (args_.has("save"))
    MLC_RETURN_IF_ERROR(saveCheckpoint(session_, args_.get("save"), step, true,
                                       checkpointMetadata_));
  if (args_.has("save-params"))
    MLC_RETURN_IF_ERROR(saveCheckpoint(session_, args_.get("save-params"), step,
                                       false, checkpointMetadata_));
  return Status::ok();
}

StatusOr<double> Runner::runStep(const StepEntries &entries, uint64_t s,
                                 Dataset *data, Sampler *sampler,
                                 ScalarOutputs &outputs, std::string &where) {
  where = "step " + std::to_string(s + 1);
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  double ran = 0;
  size_t perCall = ScalarOutputs(*entries.first).outputs.size();
  std::vector<double> sums(perCall, 0.0);
  for (uint64_t k = 0; k < entries.microBatches; ++k) {
    std::string call = where;
    if (entries.apply)
      call += " micro-batch " + std::to_string(k + 1) + "/" +
              std::to_string(entries.microBatches);
    if (data) {
      // The sampler picks the global batch; this rank loads its block.
      const std::vector<uint64_t> &all =
          sampler->rowsForStep(s * entries.microBatches + k);
      uint64_t b = entries.first->batchSize();
      auto first = all.begin() + entries.first->batchShard() * b;
      std::vector<uint64_t> rows(first, first + b);
      MLC_RETURN_IF_ERROR(data->load(session_, rows));
      call += " (batch " + data->describeBatch(rows) + ")";
    }
    Clock::time_point t0 = Clock::now();
    if (Status st = session_.run(*entries.first); !st.isOk())
      return st.withContext(call);
    ran += seconds(t0);
    MLC_RETURN_IF_ERROR(outputs.read(session_, 0, perCall));
    for (size_t i = 0; i < perCall; ++i)
      sums[i] += outputs.values[i];
    if (k + 1 == entries.microBatches)
      where = call;
  }
  if (!entries.apply)
    return ran;
  for (size_t i = 0; i < perCall; ++i)
    outputs.values[i] = sums[i] / static_cast<double>(entries.microBatches);
  Clock::time_point t0 = Clock::now();
  if (Status st = session_.run(*entries.apply); !st.isOk())
    return st.withContext(where + ", applying the gradients");
  ran += seconds(t0);
  MLC_RETURN_IF_ERROR(outputs.read(session_, perCall));
  return ran;
}

Status Runner::train(const RunConfig &cfg, uint64_t firstStep) {
  StatusOr<StepEntries> found = findStepEntries(session_);
  if (!found.isOk())
    return found.status();
  const StepEntries &entries = *found;
  Entry &step = *entries.first;
  uint64_t microBatches = entries.microBatches;
  // Rows per batch of all ranks together: a checkpoint resumes on any mesh
  // that reads the same batches.
  uint64_t batch = step.batchSize() * step.batchShards();
  TrainingRecord record{batch, microBatches, optimizerOf(session_)};
  if (cfg.resumedRecord)
    MLC_RETURN_IF_ERROR(cfg.resumedRecord->checkResume(
        args_.get("resume"), session_.executable().origin(), record));
  checkpointMetadata_ = record.toMetadata();
  // A model without inputs (a parameter fit, a prior) trains on no data.
  std::optional<Dataset> data;
  if (!step.inputs().empty()) {
    StatusOr<Dataset> opened =
        Dataset::open(args_.get("data"), step, windowLayoutFor(cfg.sampling));
    if (!opened.isOk())
      return opened.status();
    data = std::move(opened).value();
    if (data->numSamples() < batch)
      return Status::error(data->path() + " has " + data->describeSize() +
                           ", fewer than one batch of " +
                           std::to_string(batch));
    if (cfg.resumedOrder)
      MLC_RETURN_IF_ERROR(
          cfg.resumedOrder->checkResumeData(args_.get("resume"), *data));
    for (auto &[key, value] :
         DataOrder{cfg.seed, cfg.sampling, data->numSamples()}.toMetadata())
      checkpointMetadata_[key] = value;
  }
  // A step takes microBatches batches (one without accumulation).
  uint64_t perStep = batch * microBatches;
  uint64_t steps = cfg.haveSteps
                       ? cfg.steps
                       : (data->samplesPerPass() + perStep - 1) / perStep;
  if (firstStep >= steps) {
    if (firstStep == 0)
      std::printf("nothing to train: --steps 0\n");
    else
      std::printf("nothing to train: the checkpoint is at step %llu of %llu\n",
                  static_cast<unsigned long long>(firstStep),
                  static_cast<unsigned long long>(steps));
    return evalIfAsked(firstStep, "");
  }
  std::optional<Sampler> sampler;
  if (data)
    sampler.emplace(cfg.sampling, data->numSamples(), batch, cfg.seed);
  ScalarOutputs outputs(step);
  if (entries.apply)
    outputs.add(*entries.apply);
  // Every rank runs the same program on its block: the step's FLOPs are
  // the program's times the ranks. A pipeline's stages differ: each
  // replica of the pipeline computes the sum of its stages' FLOPs.
  const fb::Pipeline *pipeline = session_.executable().root().pipeline();
  uint64_t stepFlops = entries.flops() * static_cast<uint64_t>(ranks_.size());
  if (pipeline && session_.executable().root().metadata())
    stepFlops = session_.executable().root().metadata()->flops_per_step() *
                (static_cast<uint64_t>(ranks_.size()) / pipeline->stages());
  std::string perStepText = std::to_string(perStep) + " samples";
  if (entries.apply)
    perStepText += " (" + std::to_string(microBatches) + " micro-batches of " +
                   std::to_string(batch) + ")";
  if (data)
    std::printf("training %s: %llu steps of %s from %s (%s), "
                "%.3g MFLOP/step\n",
                session_.executable().origin().c_str(),
                static_cast<unsigned long long>(steps - firstStep),
                perStepText.c_str(), data->path().c_str(),
                data->describeSize().c_str(),
                static_cast<double>(stepFlops) / 1e6);
  else
    std::printf("training %s: %llu steps (the model takes no inputs), %.3g "
                "MFLOP/step\n",
                session_.executable().origin().c_str(),
                static_cast<unsigned long long>(steps - firstStep),
                static_cast<double>(stepFlops) / 1e6);
  if (ranks_.size() > 1 && batch == 0)
    std::printf("ranks: %d (%s)\n", ranks_.size(),
                session_.executable().describeMesh().c_str());
  else if (ranks_.size() > 1 && step.batchShards() == 1)
    std::printf("ranks: %d (%s), each reading the whole batch of %llu "
                "samples\n",
                ranks_.size(), session_.executable().describeMesh().c_str(),
                static_cast<unsigned long long>(batch));
  else if (ranks_.size() > 1)
    std::printf("ranks: %d (%s), each reading %llu of the %llu samples of "
                "a batch\n",
                ranks_.size(), session_.executable().describeMesh().c_str(),
                static_cast<unsigned long long>(step.batchSize()),
                static_cast<unsigned long long>(batch));
  if (pipeline)
    std::printf("pipeline: %u stages, %u micro-batches of %llu samples, "
                "schedule %s, bubble %.3f of a step ((K-1)/(M+K-1))\n",
                pipeline->stages(), pipeline->micro_batches(),
                static_cast<unsigned long long>(step.batchSize() /
                                                pipeline->micro_batches()),
                pipeline->schedule() ? pipeline->schedule()->c_str() : "",
                pipeline->bubble_fraction());
  if (!record.optimizer.empty())
    std::printf("optimizer: %s\n", record.optimizer.c_str());
  std::string hidden = unreported(step);
  if (entries.apply && !unreported(*entries.apply).empty())
    hidden += (hidden.empty() ? "" : ", ") + unreported(*entries.apply);
  if (!hidden.empty())
    std::printf("not shown (not scalars): %s\n", hidden.c_str());
  std::fflush(stdout);

  // Time spent evaluating or checkpointing is not training time: each
  // logging interval and the totals count only the steps themselves.
  // Language models count tokens (B windows of T per batch), others rows.
  bool tokens = step.takesTokenWindows();
  uint64_t unitsPerSample =
      tokens ? static_cast<uint64_t>(step.inputs()[0].desc->shape.back()) : 1;
  const char *unit = tokens ? " tokens/s" : " samples/s";
  run::Progress progress(firstStep, steps,
                         !args_.has("no-progress") && isatty(STDERR_FILENO),
                         unit);
  std::vector<double> intervalSums(outputs.values.size(), 0.0);
  uint64_t intervalSteps = 0;
  double intervalRun = 0, totalRun = 0, totalAside = 0;
  std::optional<double> lastLoss;
  Clock::time_point intervalStart = Clock::now(), start = intervalStart;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };
  uint64_t samplesPerStep = std::max<uint64_t>(perStep * unitsPerSample, 1);
  for (uint64_t s = firstStep; s < steps; ++s) {
    std::string where;
    StatusOr<double> ran =
        runStep(entries, s, data ? &*data : nullptr,
                sampler ? &*sampler : nullptr, outputs, where);
    std::string last = lastLoss ? "last finite loss " + formatValue(*lastLoss)
                                : std::string("no finite loss before it");
    if (!ran.isOk()) {
      // The loss kernel found it: the step stopped before updating state.
      if (session_.lastProblem() != DataProblem::non_finite_loss)
        return ran.status();
      progress.finish();
      return Status::error(
          ran.status().message() + "; " + last +
          ". Stopping: the parameters hold their values after step " +
          std::to_string(s) +
          " and are not saved; earlier checkpoints are intact. Lower the "
          "learning rate or check the data.");
    }
    double runSeconds = *ran;
    double loss = outputs.values[0];
    if (!std::isfinite(loss)) {
      // A loss no kernel checks (one the model composes itself).
      progress.finish();
      return Status::error(
          "loss is " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
          " at " + where + " (" + last +
          "); stopping. The parameters now hold non-finite values and are "
          "not saved; earlier checkpoints are intact. Lower the learning "
          "rate or check the data.");
    }
    lastLoss = loss;
    for (size_t i = 0; i < intervalSums.size(); ++i)
      intervalSums[i] += outputs.values[i];
    ++intervalSteps;
    intervalRun += runSeconds;
    totalRun += runSeconds;
    uint64_t done = s + 1;
    double wall = seconds(intervalStart);
    progress.update(done, loss,
                    wall > 0 ? intervalSteps * samplesPerStep / wall : 0);

    if (done % cfg.logEvery == 0 || done == steps) {
      std::vector<double> means(intervalSums);
      for (double &m : means)
        m /= static_cast<double>(intervalSteps);
      double stepSeconds = intervalRun / static_cast<double>(intervalSteps);
      double samplesPerSecond =
          static_cast<double>(intervalSteps * samplesPerStep) / wall;
      std::string line = "step " + std::to_string(done) + "/" +
                         std::to_string(steps) + "  " +
                         formatValues(outputs, means) + "  step " +
                         formatDuration(stepSeconds);
      if (data)
        line += "  " + run::humanCount(samplesPerSecond) + unit;
      if (stepFlops > 0) {
        char gflops[32];
        std::snprintf(gflops, sizeof gflops, "  %.3g GFLOP/s",
                      static_cast<double>(stepFlops) / stepSeconds / 1e9);
        line += gflops;
      }
      progress.log(line);
      if (metrics) {
        std::vector<MetricField> record =
            metricRecord("train", done, outputs, means);
        record.push_back(MetricField::num("step_time_ms", stepSeconds * 1e3));
        if (data)
          record.push_back(MetricField::num(
              "samples_per_s",
              samplesPerSecond / static_cast<double>(unitsPerSample)));
        MLC_RETURN_IF_ERROR(metrics->write(record));
      }
      std::fill(intervalSums.begin(), intervalSums.end(), 0.0);
      intervalSteps = 0;
      intervalRun = 0;
      intervalStart = Clock::now();
    }
    Clock::time_point asideStart = Clock::now();
    bool aside = false;
    if (cfg.checkpointEvery && done % cfg.checkpointEvery == 0 &&
        done != steps) {
      MLC_RETURN_IF_ERROR(save(done));
      aside = true;
    }
    if (cfg.evalEvery && done % cfg.evalEvery == 0 && done != steps) {
      progress.finish();
      MLC_RETURN_IF_ERROR(evalIfAsked(done, ""));
      aside = true;
    }
    if (aside) {
      double spent = seconds(asideStart);
      totalAside += spent;
      intervalStart += std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(spent));
    }
  }
  progress.finish();
  double total = seconds(start) - totalAside;
  uint64_t ran = steps - firstStep;
  std::string summary = "trained " + std::to_string(ran) + " steps in " +
                        formatDuration(total) + ": mean step " +
                        formatDuration(totalRun / static_cast<double>(ran));
  if (data)
    summary += ", " +
               run::humanCount(
                   static_cast<double>(ran * perStep * unitsPerSample) /
                   total) +
               unit + " overall";
  std::printf("%s\n", summary.c_str());
  MLC_RETURN_IF_ERROR(run::reportCollectives(
      ranks_, session_.collectiveWaitSeconds(), session_.stateTraffic()));
  MLC_RETURN_IF_ERROR(save(steps));
  return evalIfAsked(steps, "");
}

/// Gathers every rank's trace events to rank 0, which writes them as one
/// trace (lengths first, then the events padded to the longest).
Status writeTraces(run::Ranks &ranks, const Trace &trace,
                   const std::string &path) {
  std::string mine = trace.eventsJson(ranks.rank());
  int64_t length = static_cast<int64_t>(mine.size());
  std::vector<int64_t> lengths(static_cast<size_t>(ranks.size()));
  MLC_RETURN_IF_ERROR(
      ranks.world->allGather(&length, lengths.data(), 1, DType::i64));
  int64_t longest = *std::max_element(lengths.begin(), lengths.end());
  size_t words = static_cast<size_t>(longest + 3) / 4;
  std::vector<int32_t> padded(words, 0), all(words * lengths.size());
  std::memcpy(padded.data(), mine.data(), mine.size());
  MLC_RETURN_IF_ERROR(
      ranks.world->allGather(padded.data(), all.data(), words, DType::i32));
  if (!ranks.speaks())
    return Status::ok();
  std::vector<std::string> perRank;
  for (size_t r = 0; r < lengths.size(); ++r)
    perRank.emplace_back(reinterpret_cast<const char *>(&all[r * words]),
                         static_cast<size_t>(lengths[r]));
  MLC_RETURN_IF_ERROR(writeTrace(path, perRank));
  std::printf("trace of %zu %s written to %s (rank 0: %zu slices)\n",
              lengths.size(), lengths.size() == 1 ? "rank" : "ranks",
              path.c_str(), trace.size());
  return Status::ok();
}

/// The data options against what the entry points take: a model without
/// inputs trains for --steps N on no data; one with inputs needs --data.
Status checkDataOptions(const tools::Args &args, Session &session,
                        const RunConfig &cfg) {
  auto takesInputs = [&](fb::EntryKind kind) -> std::optional<bool> {
    StatusOr<Entry *> e = session.entryOfKind(kind);
    if (!e.isOk())
      return std::nullopt;
    return !(*e)->inputs().empty();
  };
  std::optional<bool> evalInputs = takesInputs(fb::EntryKind::eval);
  if (evalInputs == false && args.has("eval-data"))
    return Status::error("the eval entry point takes no inputs; drop "
                         "--eval-data");
  if (args.has("eval")) {
    bool hasPath = args.has("eval-data") || args.has("data");
    if (evalInputs == true && !hasPath)
      return Status::error("--eval needs --eval-data FILE (or --data FILE)");
    if (evalInputs == false && args.has("data"))
      return Status::error("the eval entry point takes no inputs; drop "
                           "--data");
    return Status::ok();
  }
  std::optional<bool> trainInputs = takesInputs(fb::EntryKind::train);
  if (!trainInputs)
    trainInputs = takesInputs(fb::EntryKind::accumulate);
  if (!trainInputs)
    return Status::ok(); // train() says that there is no training step
  if (*trainInputs && !args.has("data"))
    return Status::error("nothing to do: give --data FILE to train, or --eval "
                         "with --eval-data FILE to evaluate");
  if (!*trainInputs && args.has("data"))
    return Status::error("the model takes no inputs, so it trains on no "
                         "data; drop --data and give --steps N");
  if (!*trainInputs && !cfg.haveSteps)
    return Status::error("the model takes no inputs; give --steps N to say "
                         "how long to train");
  return Status::ok();
}

/// A run resumed from a checkpoint continues it. Where the checkpoint
/// records its data order, the recorded seed and sampling replace the
/// defaults, and ones given explicitly must agree; its training record is
/// kept for train() to check against the executable's steps.
Status restoreResumedRun(const tools::Args &args,
                         const std::map<std::string, std::string> &metadata,
                         RunConfig &cfg) {
  const std::string path = args.get("resume");
  StatusOr<std::optional<TrainingRecord>> record =
      TrainingRecord::fromMetadata(metadata, path);
  if (!record.isOk())
    return record.status();
  cfg.resumedRecord = *record;
  StatusOr<std::optional<DataOrder>> recorded =
      DataOrder::fromMetadata(metadata, path);
  if (!recorded.isOk())
    return recorded.status();
  if (!*recorded)
    return Status::ok();
  const DataOrder &order = **recorded;
  MLC_RETURN_IF_ERROR(order.checkResumeOptions(
      path, args.has("seed") ? std::optional(cfg.seed) : std::nullopt,
      args.has("sample") ? std::optional(cfg.sampling) : std::nullopt));
  cfg.seed = order.seed;
  cfg.sampling = order.sampling;
  cfg.resumedOrder = order;
  return Status::ok();
}

/// Opens the metrics file with a column per scalar output of the train and
/// eval entry points. An output named like a field mlc-run writes itself
/// would overwrite it, so that is an error.
StatusOr<std::unique_ptr<MetricsWriter>> openMetrics(const std::string &path,
                                                     Session &session) {
  const std::vector<std::string> fields = {"phase", "step", "step_time_ms",
                                           "samples_per_s"};
  std::vector<std::string> columns = {fields[0], fields[1]};
  for (fb::EntryKind kind : {fb::EntryKind::train, fb::EntryKind::accumulate,
                             fb::EntryKind::apply, fb::EntryKind::eval}) {
    StatusOr<Entry *> e = session.entryOfKind(kind);
    if (!e.isOk())
      continue;
    for (const BoundBuffer *b : ScalarOutputs(**e).outputs) {
      if (std::find(fields.begin(), fields.end(), b->name) != fields.end())
        return Status::error("output '" + b->name + "' of entry point '" +
                             (*e)->name() +
                             "' has the name of a field of the metrics file; "
                             "rename the output (mlc.output = \"...\")");
      if (std::find(columns.begin(), columns.end(), b->name) == columns.end())
        columns.push_back(b->name);
    }
  }
  columns.push_back(fields[2]);
  columns.push_back(fields[3]);
  return MetricsWriter::open(path, columns);
}

/// "1,2,3" as token ids; an error names the entry that is not an integer.
StatusOr<std::vector<int64_t>> parseIds(const std::string &text) {
  std::vector<int64_t> ids;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t end = text.find(',', start);
    std::string item =
        text.substr(start, end == std::string::npos ? end : end - start);
    char *rest = nullptr;
    errno = 0;
    long long v = std::strtoll(item.c_str(), &rest, 10);
    if (item.empty() || *rest != '\0' || errno == ERANGE)
      return Status::error("--prompt-ids entry " +
                           std::to_string(ids.size() + 1) + " ('" + item +
                           "') is not an integer; give ids like 1,2,3");
    ids.push_back(v);
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return ids;
}

/// --generate: the prompt through prefill once, then decode per new token.
/// Text goes to stdout as it is generated (or the ids with --print-ids),
/// the rate to stderr (by the rank that `speaks`).
Status generateText(const tools::Args &args, Session &session, bool speaks) {
  if (args.has("prompt") == args.has("prompt-ids"))
    return Status::error("--generate needs the prompt: --prompt TEXT or "
                         "--prompt-ids 1,2,3 (one of them)");
  if (!args.has("max-new-tokens"))
    return Status::error("--generate needs --max-new-tokens N");
  StatusOr<uint64_t> maxNew = args.getUInt("max-new-tokens", 0);
  if (!maxNew.isOk())
    return maxNew.status();
  SamplingOptions sampling;
  StatusOr<double> temperature = args.getDouble("temperature", 1.0);
  if (!temperature.isOk())
    return temperature.status();
  StatusOr<double> topP = args.getDouble("top-p", 1.0);
  if (!topP.isOk())
    return topP.status();
  StatusOr<uint64_t> topK = args.getUInt("top-k", 0);
  if (!topK.isOk())
    return topK.status();
  StatusOr<uint64_t> seed = args.getUInt("seed", 0);
  if (!seed.isOk())
    return seed.status();
  sampling.temperature = *temperature;
  sampling.topP = *topP;
  sampling.topK = static_cast<int64_t>(
      std::min<uint64_t>(*topK, std::numeric_limits<int64_t>::max()));
  sampling.seed = *seed;
  StatusOr<TokenSampler> sampler = TokenSampler::create(sampling);
  if (!sampler.isOk())
    return Status::error("--generate: " + sampler.status().message());
  StatusOr<Generator> generator = Generator::create(session);
  if (!generator.isOk())
    return generator.status();

  std::vector<int64_t> prompt;
  if (args.has("prompt")) {
    for (int32_t id : ByteTokenizer::encode(args.get("prompt")))
      prompt.push_back(id);
  } else {
    StatusOr<std::vector<int64_t>> ids = parseIds(args.get("prompt-ids"));
    if (!ids.isOk())
      return ids.status();
    prompt = std::move(ids).value();
  }
  MLC_RETURN_IF_ERROR(generator->checkRequest(prompt, *maxNew));
  bool printIds = args.has("print-ids");
  size_t printed = 0;
  auto print = [&](int64_t id) -> Status {
    if (printIds) {
      std::printf("%s%lld", printed++ ? "," : "", static_cast<long long>(id));
      return Status::ok();
    }
    int32_t small = static_cast<int32_t>(id);
    StatusOr<std::string> text = ByteTokenizer::decode(&small, 1);
    if (!text.isOk() || id != small)
      return Status::error("token id " + std::to_string(id) +
                           " is not a byte of the byte tokenizer; use "
                           "--print-ids");
    std::fwrite(text->data(), 1, text->size(), stdout);
    return Status::ok();
  };
  for (int64_t id : prompt)
    MLC_RETURN_IF_ERROR(print(id));
  std::fflush(stdout);
  Status printing = Status::ok();
  Clock::time_point start = Clock::now();
  StatusOr<std::vector<int64_t>> generated =
      generator->generate(prompt, *maxNew, *sampler, [&](int64_t id) {
        if (printing.isOk())
          printing = print(id);
        std::fflush(stdout);
      });
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("\n");
  std::fflush(stdout);
  if (!generated.isOk())
    return generated.status();
  MLC_RETURN_IF_ERROR(printing);
  if (speaks) // every rank generates the same; rank 0 reports
    std::fprintf(
        stderr,
        "generated %zu tokens after a prompt of %zu in %s: %.1f "
        "tokens/s\n",
        generated->size(), prompt.size(), formatDuration(seconds).c_str(),
        seconds > 0 ? static_cast<double>(generated->size()) / seconds : 0.0);
  return Status::ok();
}

/// Prints the kernel kinds of the profiled entry points that took most of
/// their time, e.g. "profile: train_step: 5.1 s/call: matmul 61%, ...".
void printProfileSummary(const Session &session) {
  for (const Entry *entry : session.entries()) {
    if (entry->profiledCalls() == 0)
      continue;
    std::map<std::string, double> byKind;
    double total = 0;
    for (const CommandProfile &p : entry->profile()) {
      byKind[p.kind] += p.seconds;
      total += p.seconds;
    }
    std::vector<std::pair<double, std::string>> sorted;
    for (const auto &[kind, seconds] : byKind)
      sorted.push_back({seconds, kind});
    std::sort(sorted.rbegin(), sorted.rend());
    double calls = static_cast<double>(entry->profiledCalls());
    std::string line;
    for (size_t i = 0; i < std::min<size_t>(sorted.size(), 6); ++i) {
      char part[96];
      std::snprintf(part, sizeof part, "%s%s %.0f%%", i ? ", " : "",
                    sorted[i].second.c_str(),
                    total > 0 ? 100 * sorted[i].first / total : 0.0);
      line += part;
    }
    std::printf("profile: %s: %.4g s/call over %llu calls: %s\n",
                entry->name().c_str(), total / calls,
                static_cast<unsigned long long>(entry->profiledCalls()),
                line.c_str());
  }
}

/// The run; `ranks` holds the communicator once it is open, for the rank
/// main() names in errors and for how it leaves.
Status runMain(int argc, char **argv, std::optional<run::Ranks> &ranks) {
  tools::Args args = declareArgs();
  MLC_RETURN_IF_ERROR(args.parse(argc, argv));
  MLC_RETURN_IF_ERROR(run::checkPaths(args));
  if (args.has("help")) {
    std::printf(
        "usage: mlc-run MODEL.mlcx [options]\n\n"
        "Trains (train_step) or evaluates (eval) a compiled model on CPU, "
        "or generates\ntext with its prefill and decode entry points "
        "(--generate).\n\n"
        "%s",
        args.usage().c_str());
    return Status::ok();
  }
  if (args.has("version")) {
    std::printf("mlc-run %s (executable format %u)\n", kVersion,
                fb::kFormatVersion);
    return Status::ok();
  }
  if (args.positional().size() != 1)
    return Status::error("expected one executable (usage: mlc-run MODEL.mlcx "
                         "[options]; see --help)");

  RunConfig cfg;
  auto uintArg = [&](const char *name, uint64_t fallback, uint64_t &out) {
    StatusOr<uint64_t> v = args.getUInt(name, fallback);
    if (!v.isOk())
      return v.status();
    out = *v;
    return Status::ok();
  };
  uint64_t threads;
  MLC_RETURN_IF_ERROR(uintArg("seed", 0, cfg.seed));
  MLC_RETURN_IF_ERROR(uintArg("steps", 0, cfg.steps));
  MLC_RETURN_IF_ERROR(uintArg("log-every", 100, cfg.logEvery));
  MLC_RETURN_IF_ERROR(uintArg("eval-every", 0, cfg.evalEvery));
  MLC_RETURN_IF_ERROR(uintArg("eval-batches", 0, cfg.evalBatches));
  MLC_RETURN_IF_ERROR(uintArg("checkpoint-every", 0, cfg.checkpointEvery));
  MLC_RETURN_IF_ERROR(uintArg("threads", 0, threads));
  const std::pair<const char *, uint64_t> counts[] = {
      {"log-every", cfg.logEvery},
      {"eval-every", cfg.evalEvery},
      {"eval-batches", cfg.evalBatches},
      {"checkpoint-every", cfg.checkpointEvery},
      {"threads", threads}};
  for (auto [name, value] : counts)
    if (args.has(name) && value == 0)
      return Status::error(std::string("--") + name + " must be at least 1" +
                           (std::string(name) == "threads"
                                ? " (leave it out for one thread per core)"
                                : ""));
  if (cfg.checkpointEvery && !args.has("save"))
    return Status::error("--checkpoint-every needs --save FILE");
  if (args.has("eval-batches") && !args.has("eval-data") && !args.has("eval"))
    return Status::error("--eval-batches needs --eval-data FILE (or --eval)");
  if (args.has("save-outputs") && !args.has("eval-data") && !args.has("eval"))
    return Status::error("--save-outputs writes the outputs of the last eval "
                         "call; it needs --eval-data FILE (or --eval)");
  cfg.haveSteps = args.has("steps");
  StatusOr<Sampling> sampling = parseSampling(args.get("sample", "shuffle"));
  if (!sampling.isOk())
    return sampling.status();
  cfg.sampling = *sampling;
  bool evalOnly = args.has("eval");
  if (args.has("init-from") && args.has("resume"))
    return Status::error("--init-from and --resume both set the parameters; "
                         "give one");

  StatusOr<run::Ranks> opened = run::openRanks(args);
  if (!opened.isOk())
    return opened.status();
  ranks = std::move(opened).value();
  StatusOr<std::unique_ptr<Executable>> exe =
      Executable::loadFile(args.positional()[0]);
  if (!exe.isOk())
    return exe.status();
  MLC_RETURN_IF_ERROR(run::checkMeshSize(*ranks, **exe));
  DeviceRegistry devices;
  registerBuiltinDevices(devices);
  std::shared_ptr<const Executable> shared(std::move(exe).value());
  DeviceOptions options;
  options.threads = static_cast<int>(threads);
  options.flushDenormals = args.has("flush-denormals");
  size_t rank = static_cast<size_t>(ranks->rank());
  StatusOr<std::unique_ptr<Device>> device =
      devices.create(shared->program(rank).target()->str(), options);
  if (!device.isOk())
    return device.status();
  StatusOr<std::unique_ptr<Session>> session = Session::create(
      shared, rank, std::move(device).value(), ranks->world.get());
  if (!session.isOk())
    return session.status();
  Session &s = **session;
  StatusOr<bool> overlap = run::overlapOption(args);
  if (!overlap.isOk())
    return overlap.status();
  s.setOverlap(*overlap);
  bool generate = args.has("generate");
  for (const char *name : {"prompt", "prompt-ids", "max-new-tokens",
                           "temperature", "top-k", "top-p", "print-ids"})
    if (!generate && args.has(name))
      return Status::error(std::string("--") + name + " needs --generate");
  if (generate)
    for (const char *name : {"data", "eval-data", "eval", "steps", "save",
                             "save-params", "metrics"})
      if (args.has(name))
        return Status::error(std::string("--") + name +
                             " does not go with --generate");
  if (!generate)
    MLC_RETURN_IF_ERROR(checkDataOptions(args, s, cfg));
  MLC_RETURN_IF_ERROR(s.initialize(cfg.seed));

  uint64_t firstStep = 0;
  if (args.has("init-from")) {
    StatusOr<uint64_t> r =
        loadCheckpoint(s, args.get("init-from"), LoadScope::Parameters);
    if (!r.isOk())
      return r.status();
  }
  if (args.has("resume")) {
    std::map<std::string, std::string> metadata;
    StatusOr<uint64_t> r =
        loadCheckpoint(s, args.get("resume"), LoadScope::Everything, &metadata);
    if (!r.isOk())
      return r.status();
    firstStep = *r;
    if (!evalOnly && !generate)
      MLC_RETURN_IF_ERROR(restoreResumedRun(args, metadata, cfg));
    std::string order =
        cfg.resumedOrder ? std::string(" (seed ") + std::to_string(cfg.seed) +
                               ", sample " + samplingName(cfg.sampling) + ")"
                         : "";
    if (!generate)
      std::printf("resuming from %s at step %llu%s\n",
                  args.get("resume").c_str(),
                  static_cast<unsigned long long>(firstStep), order.c_str());
  }
  if (args.has("profile"))
    s.setProfiling(true);
  // The ranks meet before the trace starts, so that their times line up.
  std::unique_ptr<Trace> trace;
  if (args.has("trace")) {
    MLC_RETURN_IF_ERROR(ranks->world->barrier());
    trace = std::make_unique<Trace>();
    s.setTrace(trace.get());
  }
  // Written however the run ends, so that a failed step is profiled too.
  // The trace is gathered from every rank: only after a run every rank
  // finished (a failed rank leaves, and mpirun stops the others).
  auto finish = [&](Status status) -> Status {
    if (trace && status.isOk())
      status = writeTraces(*ranks, *trace, args.get("trace"));
    if (!args.has("profile") || !ranks->speaks())
      return status;
    Status written = writeProfile(s, args.get("profile"));
    if (status.isOk() && written.isOk())
      printProfileSummary(s);
    return status.isOk() ? written : status;
  };
  if (generate)
    return finish(generateText(args, s, ranks->speaks()));

  Runner runner(args, s, *ranks);
  runner.evalBatches = cfg.evalBatches;
  if (args.has("metrics") && ranks->speaks()) {
    StatusOr<std::unique_ptr<MetricsWriter>> m =
        openMetrics(args.get("metrics"), s);
    if (!m.isOk())
      return m.status();
    runner.metrics = std::move(m).value();
  }

  if (evalOnly) {
    std::string path =
        args.has("eval-data") ? args.get("eval-data") : args.get("data");
    StatusOr<Entry *> eval = s.entryOfKind(fb::EntryKind::eval);
    if (!eval.isOk())
      return eval.status();
    std::string summary;
    StatusOr<std::vector<double>> means =
        evaluate(s, **eval, path, cfg.evalBatches, summary);
    if (!means.isOk())
      return means.status();
    std::printf("%s\n", summary.c_str());
    if (runner.metrics)
      MLC_RETURN_IF_ERROR(runner.metrics->write(
          metricRecord("eval", firstStep, ScalarOutputs(**eval), *means)));
    if (args.has("save-outputs") && ranks->speaks())
      MLC_RETURN_IF_ERROR(
          saveOutputs(s, **eval, args.get("save-outputs"),
                      {{"mlc.step", std::to_string(firstStep)}}));
    MLC_RETURN_IF_ERROR(run::reportCollectives(
        *ranks, s.collectiveWaitSeconds(), s.stateTraffic()));
    return finish(Status::ok());
  }
  return finish(runner.train(cfg, firstStep));
}

} // namespace

int main(int argc, char **argv) {
  std::optional<run::Ranks> ranks;
  Status status = runMain(argc, argv, ranks);
  const run::Ranks *job = ranks ? &*ranks : nullptr;
  if (!status.isOk()) {
    std::fflush(stdout);
    std::fprintf(stderr, "mlc-run: error: %s%s\n", run::rankPrefix(job).c_str(),
                 status.message().c_str());
    run::leave(job, 1);
  }
  // A session (and the groups it split from the world) goes before the
  // world channel: runMain's locals are gone by now.
  run::leave(job, 0);
}
