// Unit tests of the language-model data path: the byte tokenizer, token
// files, the loader's checks of token-window inputs, and token windows fed
// to a session by the samplers.
#include "runtime/Dataset.h"
#include "runtime/Executable.h"
#include "runtime/TokenWindows.h"
#include "runtime/Tokenizer.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <set>
#include <tuple>

namespace mlc::rt {
namespace {

using namespace fixtures;

// --- Tokenizer and token files
// --------------------------------------------------------

TEST(ByteTokenizer, RoundTripsEveryByte) {
  std::string text;
  for (int b = 0; b < 256; ++b)
    text.push_back(static_cast<char>(b));
  text += "caf\xc3\xa9"; // UTF-8 is bytes like any other
  std::vector<int32_t> ids = ByteTokenizer::encode(text);
  ASSERT_EQ(ids.size(), text.size());
  for (int b = 0; b < 256; ++b)
    EXPECT_EQ(ids[b], b);
  EXPECT_EQ(ids[256 + 3], 0xc3);
  StatusOr<std::string> back = ByteTokenizer::decode(ids.data(), ids.size());
  ASSERT_TRUE(back.isOk()) << back.status().message();
  EXPECT_EQ(*back, text);
}

TEST(ByteTokenizer, RefusesIdsThatAreNotBytes) {
  std::vector<int32_t> ids = {104, 105, 256, -1};
  StatusOr<std::string> text = ByteTokenizer::decode(ids.data(), ids.size());
  ASSERT_FALSE(text.isOk());
  EXPECT_NE(text.status().message().find("token 2 is 256"), std::string::npos)
      << text.status().message();
}

TEST(TokenFile, WritesAndReadsTheStream) {
  std::string path = tempPath("tokens.safetensors");
  std::vector<int32_t> tokens = ByteTokenizer::encode("hello");
  ASSERT_TRUE(writeTokenFile(path, tokens, "bytes", 256).isOk());
  auto raw = SafetensorsFile::open(path);
  ASSERT_TRUE(raw.isOk());
  EXPECT_EQ(raw->metadata().at(kTokenizerKey), "bytes");
  EXPECT_EQ(raw->metadata().at(kVocabKey), "256");
  EXPECT_EQ(raw->find(kTokensTensor)->desc, (TensorDesc{DType::i32, {5}}));

  auto file = TokenFile::open(path);
  ASSERT_TRUE(file.isOk()) << file.status().message();
  EXPECT_EQ(file->numTokens(), 5u);
  EXPECT_EQ(file->tokenizer(), "bytes");
  int32_t middle[3];
  file->copy(1, 3, middle);
  EXPECT_EQ(std::vector<int32_t>(middle, middle + 3),
            (std::vector<int32_t>{'e', 'l', 'l'}));
  EXPECT_TRUE(file->checkIds(256, "x").isOk());
  Status small = file->checkIds(108, "the model input 'tokens'");
  ASSERT_FALSE(small.isOk());
  EXPECT_NE(small.message().find("token 2 is 108, outside the vocabulary [0, "
                                 "108) of the model input 'tokens'"),
            std::string::npos)
      << small.message();
  EXPECT_FALSE(writeTokenFile(path, {}, "bytes", 256).isOk());
  std::remove(path.c_str());
}

TEST(TokenFile, RefusesFilesWithoutAStream) {
  std::string path = tempPath("not-tokens.safetensors");
  std::vector<int64_t> wide = {1, 2, 3};
  ASSERT_TRUE(
      writeSafetensors(path, {{"x", {DType::i64, {3}}, wide.data()}}, {})
          .isOk());
  auto missing = TokenFile::open(path);
  ASSERT_FALSE(missing.isOk());
  EXPECT_NE(missing.status().message().find("has no tensor 'tokens'"),
            std::string::npos)
      << missing.status().message();
  ASSERT_TRUE(
      writeSafetensors(path, {{"tokens", {DType::i64, {3}}, wide.data()}}, {})
          .isOk());
  auto wrongType = TokenFile::open(path);
  ASSERT_FALSE(wrongType.isOk());
  EXPECT_NE(wrongType.status().message().find("is 3xi64"), std::string::npos)
      << wrongType.status().message();
  std::remove(path.c_str());
}

// --- Token-window bindings in the executable
// ------------------------------------------

/// smallExecutable() with its input x made an i32 [2, 3] token window of
/// vocabulary 16 and shift 1, then changed by `mutate`; the loader's error,
/// or "" if it accepts the file.
std::string windowLoadError(
    const std::function<void(fb::ProgramT &, fb::EntryPointT &)> &mutate) {
  fb::ExecutableT exe = smallExecutable();
  fb::ProgramT &program = *exe.programs[0];
  program.buffers[0]->dtype = fb::DType::i32;
  fb::EntryPointT &entry = *program.entry_points[0];
  entry.inputs[0]->token_window = true;
  entry.inputs[0]->shift = 1;
  entry.inputs[0]->vocab = 16;
  mutate(program, entry);
  auto loaded = Executable::loadBytes(pack(exe), "test.mlcx");
  return loaded.isOk() ? "" : loaded.status().message();
}

TEST(Executable, AcceptsTokenWindows) {
  EXPECT_EQ(windowLoadError([](fb::ProgramT &, fb::EntryPointT &) {}), "");
}

TEST(Executable, RejectsBadTokenWindows) {
  auto expect = [](const std::string &error, const std::string &part) {
    EXPECT_NE(error.find(part), std::string::npos) << error;
  };
  expect(windowLoadError([](fb::ProgramT &p, fb::EntryPointT &) {
           p.buffers[0]->dtype = fb::DType::f32;
         }),
         "entry point 'eval' input 'x' is a token window but its buffer is "
         "2x3xf32, not an i32 or i64 [B, T] tensor");
  expect(windowLoadError([](fb::ProgramT &p, fb::EntryPointT &) {
           p.buffers[0]->shape = {6};
         }),
         "its buffer is 6xi32");
  expect(windowLoadError([](fb::ProgramT &, fb::EntryPointT &e) {
           e.inputs[0]->vocab = 0;
         }),
         "input 'x' has vocabulary 0 (expected 1 to 2^31)");
  expect(windowLoadError([](fb::ProgramT &, fb::EntryPointT &e) {
           e.inputs[0]->vocab = (uint64_t(1) << 31) + 1;
         }),
         "has vocabulary 2147483649");
  expect(windowLoadError([](fb::ProgramT &, fb::EntryPointT &e) {
           e.inputs[0]->shift = uint64_t(1) << 40;
         }),
         "has shift 1099511627776 (expected below 2^40)");
  expect(windowLoadError([](fb::ProgramT &, fb::EntryPointT &e) {
           e.inputs[0]->token_window = false;
         }),
         "input 'x' has a shift or vocabulary but is not a token window");
  expect(windowLoadError([](fb::ProgramT &, fb::EntryPointT &e) {
           e.outputs[1]->token_window = true;
         }),
         "output 'sum' carries token-window or position fields; only inputs "
         "have them");
}

TEST(Executable, RejectsMixedOrDisagreeingInputs) {
  // A second input buffer y, bound next to x.
  auto withSecondInput = [](fb::ProgramT &p, fb::EntryPointT &e) {
    auto y = std::make_unique<fb::BufferT>(*p.buffers[0]);
    y->name = "y";
    p.buffers.push_back(std::move(y));
    auto binding = std::make_unique<fb::BindingT>(*e.inputs[0]);
    binding->name = "y";
    binding->buffer = static_cast<uint32_t>(p.buffers.size() - 1);
    e.inputs.push_back(std::move(binding));
  };
  EXPECT_EQ(windowLoadError(withSecondInput), "");
  std::string mixed = windowLoadError([&](fb::ProgramT &p, fb::EntryPointT &e) {
    withSecondInput(p, e);
    e.inputs[1]->token_window = false;
    e.inputs[1]->shift = e.inputs[1]->vocab = 0;
  });
  EXPECT_NE(mixed.find("entry point 'eval' mixes row inputs ('y') and token "
                       "windows ('x')"),
            std::string::npos)
      << mixed;
  std::string vocab = windowLoadError([&](fb::ProgramT &p, fb::EntryPointT &e) {
    withSecondInput(p, e);
    e.inputs[1]->vocab = 17;
  });
  EXPECT_NE(vocab.find("input 'y' has vocabulary 17 but 'x' has 16"),
            std::string::npos)
      << vocab;
}

// --- Token windows and the window sampler
// --------------------------------------------

/// An executable whose entry point 'lm' reads two token windows of 3
/// tokens, batch 2: t (i32, shift 0) and u (i64, shift 1), vocabulary 200.
/// It runs nothing; the tests read the inputs back.
std::vector<uint8_t> windowExecutable() {
  fb::ExecutableT exe;
  exe.format_version = fb::kFormatVersion;
  exe.mesh = std::make_unique<fb::MeshT>();
  exe.metadata = std::make_unique<fb::MetadataT>();
  auto program = std::make_unique<fb::ProgramT>();
  program->target = "cpu";
  auto entry = std::make_unique<fb::EntryPointT>();
  entry->name = "lm";
  entry->batch_size = 2;
  for (auto [name, dtype, shift] :
       {std::tuple{"t", fb::DType::i32, 0}, {"u", fb::DType::i64, 1}}) {
    auto b = std::make_unique<fb::BufferT>();
    b->name = name;
    b->dtype = dtype;
    b->shape = {2, 3};
    b->byte_size = 6 * dtypeSize(dtype);
    b->role = fb::BufferRole::input;
    auto binding = std::make_unique<fb::BindingT>();
    binding->name = name;
    binding->buffer = static_cast<uint32_t>(program->buffers.size());
    binding->token_window = true;
    binding->shift = static_cast<uint64_t>(shift);
    binding->vocab = 200;
    program->buffers.push_back(std::move(b));
    entry->inputs.push_back(std::move(binding));
  }
  program->entry_points.push_back(std::move(entry));
  exe.programs.push_back(std::move(program));
  return pack(exe);
}

/// A token file of `count` tokens 100, 101, ...
std::string idsFile(const std::string &name, int32_t count) {
  std::vector<int32_t> ids(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i)
    ids[static_cast<size_t>(i)] = 100 + i;
  std::string path = tempPath(name);
  EXPECT_TRUE(writeTokenFile(path, ids, "test", 200).isOk());
  return path;
}

struct Windows : ::testing::Test {
  void SetUp() override {
    auto s = sessionFor(windowExecutable());
    ASSERT_TRUE(s.isOk()) << s.status().message();
    session = std::move(s).value();
    auto e = session->entry("lm");
    ASSERT_TRUE(e.isOk());
    entry = *e;
    path = idsFile("windows.safetensors", 20);
  }
  void TearDown() override { std::remove(path.c_str()); }

  std::vector<int32_t> t() {
    std::vector<int32_t> v(6);
    EXPECT_TRUE(session->read(0, v.data(), 24).isOk());
    return v;
  }
  std::vector<int64_t> u() {
    std::vector<int64_t> v(6);
    EXPECT_TRUE(session->read(1, v.data(), 48).isOk());
    return v;
  }

  std::unique_ptr<Session> session;
  Entry *entry = nullptr;
  std::string path;
};

TEST_F(Windows, FeedsEveryInputItsShift) {
  auto w = TokenWindows::open(path, *entry, WindowLayout::EveryStart);
  ASSERT_TRUE(w.isOk()) << w.status().message();
  EXPECT_EQ(w->span(), 4u);   // u reads tokens [s + 1, s + 4)
  EXPECT_EQ(w->length(), 3u); // the longest input
  EXPECT_EQ(w->numWindows(), 17u);
  EXPECT_EQ(w->numConsecutiveWindows(), 6u);
  ASSERT_TRUE(w->load(*session, {5, 16}).isOk());
  EXPECT_EQ(t(), (std::vector<int32_t>{105, 106, 107, 116, 117, 118}));
  EXPECT_EQ(u(), (std::vector<int64_t>{106, 107, 108, 117, 118, 119}));
  Status outside = w->load(*session, {17, 0});
  ASSERT_FALSE(outside.isOk());
  EXPECT_NE(outside.message().find("window 17 is outside"), std::string::npos)
      << outside.message();
}

TEST_F(Windows, ConsecutiveWindowsDoNotOverlap) {
  auto w = TokenWindows::open(path, *entry, WindowLayout::Consecutive);
  ASSERT_TRUE(w.isOk()) << w.status().message();
  EXPECT_EQ(w->numWindows(), 6u); // starts 0, 3, ..., 15; 15 + 4 <= 20
  EXPECT_EQ(w->start(5), 15u);
  ASSERT_TRUE(w->load(*session, {5, 1}).isOk());
  EXPECT_EQ(t(), (std::vector<int32_t>{115, 116, 117, 103, 104, 105}));
  EXPECT_EQ(u(), (std::vector<int64_t>{116, 117, 118, 104, 105, 106}));
}

TEST_F(Windows, RefusesShortFilesAndIdsOutsideTheVocabulary) {
  std::string shortPath = idsFile("short.safetensors", 3);
  auto shortFile =
      TokenWindows::open(shortPath, *entry, WindowLayout::EveryStart);
  ASSERT_FALSE(shortFile.isOk());
  EXPECT_NE(shortFile.status().message().find(
                "holds 3 tokens, fewer than one window: input 'u' of entry "
                "point 'lm' reads tokens [start + 1, start + 4), so a window "
                "needs 4"),
            std::string::npos)
      << shortFile.status().message();
  std::remove(shortPath.c_str());

  std::string widePath = idsFile("wide.safetensors", 120); // ids up to 219
  auto wide = TokenWindows::open(widePath, *entry, WindowLayout::EveryStart);
  ASSERT_FALSE(wide.isOk());
  EXPECT_NE(wide.status().message().find("token 100 is 200, outside the "
                                         "vocabulary [0, 200)"),
            std::string::npos)
      << wide.status().message();
  std::remove(widePath.c_str());
}

TEST_F(Windows, DatasetChoosesWindowsForTokenInputs) {
  auto data = Dataset::open(path, *entry, windowLayoutFor(Sampling::Shuffle));
  ASSERT_TRUE(data.isOk()) << data.status().message();
  EXPECT_TRUE(data->isTokenStream());
  EXPECT_EQ(data->numSamples(), 17u);
  EXPECT_EQ(data->samplesPerPass(), 6u);
  EXPECT_EQ(data->describeSize(), "20 tokens, 17 windows");
  auto sequential =
      Dataset::open(path, *entry, windowLayoutFor(Sampling::Sequential));
  ASSERT_TRUE(sequential.isOk());
  EXPECT_EQ(sequential->numSamples(), 6u);
  EXPECT_NE(sequential->describeBatch({1, 5}).find("windows at tokens 3, 15 "
                                                   "of "),
            std::string::npos)
      << sequential->describeBatch({1, 5});
}

TEST_F(Windows, SamplersPickEveryWindowStart) {
  // Shuffled: each of the 17 starts once per epoch (2 windows a step, so
  // the epoch boundary falls inside a step); with replacement: all of them,
  // the last included, and nothing past it.
  auto data = Dataset::open(path, *entry, WindowLayout::EveryStart);
  ASSERT_TRUE(data.isOk());
  Sampler shuffle(Sampling::Shuffle, data->numSamples(), 2, 9);
  std::multiset<uint64_t> firstEpoch;
  for (uint64_t step = 0; step < 17; ++step) {
    const std::vector<uint64_t> &rows = shuffle.rowsForStep(step);
    ASSERT_TRUE(data->load(*session, rows).isOk());
    EXPECT_EQ(t()[0], 100 + static_cast<int32_t>(rows[0]));
    EXPECT_EQ(u()[3], 101 + static_cast<int64_t>(rows[1]));
    for (uint64_t r : rows)
      if (firstEpoch.size() < 17)
        firstEpoch.insert(r);
  }
  for (uint64_t start = 0; start < 17; ++start)
    EXPECT_EQ(firstEpoch.count(start), 1u) << "start " << start;

  Sampler replacement(Sampling::WithReplacement, data->numSamples(), 2, 9);
  std::set<uint64_t> seen;
  for (uint64_t step = 0; step < 500; ++step) {
    const std::vector<uint64_t> &rows = replacement.rowsForStep(step);
    ASSERT_TRUE(data->load(*session, rows).isOk());
    seen.insert(rows.begin(), rows.end());
  }
  EXPECT_EQ(seen.size(), 17u);
  EXPECT_EQ(*seen.rbegin(), 16u);
}

// --- The data order checkpoints record
// ----------------------------------------------

TEST(DataOrder, RoundTripsThroughMetadata) {
  DataOrder order{7, Sampling::WithReplacement, 3618893};
  std::map<std::string, std::string> meta = order.toMetadata();
  EXPECT_EQ(meta.at("mlc.data.seed"), "7");
  EXPECT_EQ(meta.at("mlc.data.sample"), "replacement");
  EXPECT_EQ(meta.at("mlc.data.samples"), "3618893");
  auto back = DataOrder::fromMetadata(meta, "c");
  ASSERT_TRUE(back.isOk()) << back.status().message();
  ASSERT_TRUE(back->has_value());
  EXPECT_EQ((*back)->seed, 7u);
  EXPECT_EQ((*back)->sampling, Sampling::WithReplacement);
  EXPECT_EQ((*back)->numSamples, 3618893u);

  auto none = DataOrder::fromMetadata({{"mlc.step", "3"}}, "c");
  ASSERT_TRUE(none.isOk());
  EXPECT_FALSE(none->has_value());
  meta["mlc.data.seed"] = "7 ";
  EXPECT_FALSE(DataOrder::fromMetadata(meta, "c").isOk());
  meta.erase("mlc.data.seed");
  EXPECT_FALSE(DataOrder::fromMetadata(meta, "c").isOk());
}

TEST(DataOrder, ResumeOptionsMustAgree) {
  DataOrder order{7, Sampling::Shuffle, 10};
  EXPECT_TRUE(order.checkResumeOptions("c", std::nullopt, std::nullopt).isOk());
  EXPECT_TRUE(order.checkResumeOptions("c", 7, Sampling::Shuffle).isOk());
  Status seed = order.checkResumeOptions("c", 8, std::nullopt);
  ASSERT_FALSE(seed.isOk());
  EXPECT_NE(seed.message().find("--seed 8 differs from the seed 7"),
            std::string::npos)
      << seed.message();
  Status sampling = order.checkResumeOptions("c", 7, Sampling::Sequential);
  ASSERT_FALSE(sampling.isOk());
  EXPECT_NE(sampling.message().find(
                "--sample sequential differs from the sampling shuffle"),
            std::string::npos)
      << sampling.message();
}

} // namespace
} // namespace mlc::rt
