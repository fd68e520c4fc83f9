// Unit tests of the language-model data path: the byte tokenizer and token
// files.
#include "runtime/Tokenizer.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <cstdio>

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

} // namespace
} // namespace mlc::rt
