// Unit tests of the language-model data path: the byte tokenizer, token
// files and the loader's checks of token-window inputs.
#include "runtime/Executable.h"
#include "runtime/Tokenizer.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

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
  expect(windowLoadError(
             [](fb::ProgramT &, fb::EntryPointT &e) { e.inputs[0]->vocab = 0; }),
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
         "output 'sum' carries token-window fields; only inputs are token "
         "windows");
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

} // namespace
} // namespace mlc::rt
