// mlc-data: makes data sets for mlc-run. `tokenize` turns a text into token
// files (the token stream of a language model's data set, optionally split
// into training and validation parts); `decode` turns one back into text.
#include "runtime/File.h"
#include "runtime/Tokenizer.h"
#include "tools/common/Args.h"

#include <cstdio>
#include <string_view>
#include <sys/stat.h>

using namespace mlc;
using namespace mlc::rt;

namespace {

constexpr const char *kHelp =
    "usage: mlc-data tokenize TEXT -o OUT.safetensors\n"
    "                [--val-fraction F --val-out VAL.safetensors]\n"
    "       mlc-data decode TOKENS.safetensors [-o TEXT]\n"
    "\n"
    "tokenize writes the tokens of TEXT as a token file: a safetensors file\n"
    "with one 1-D i32 tensor 'tokens' and the metadata mlc.tokenizer and\n"
    "mlc.vocab. The byte tokenizer makes each byte one token (ids 0..255).\n"
    "With --val-fraction F the last F of the tokens go to --val-out instead,\n"
    "so that the two files do not overlap.\n"
    "decode writes the text of a token file (to standard output without -o).\n"
    "\n"
    "options:\n";

tools::Args declareArgs() {
  tools::Args a("mlc-data");
  a.option("output", "FILE", "the file to write");
  a.shortForm('o', "output");
  a.option("val-fraction", "F",
           "put the last F (0 < F < 1) of the tokens in --val-out");
  a.option("val-out", "FILE", "the validation token file");
  a.option("tokenizer", "NAME", "bytes (the default and only one)");
  a.flag("help", "show this help");
  return a;
}

/// Whether `a` and `b` name the same file: the same device and inode if
/// both exist, else the same path once symbolic links are followed.
bool sameFile(const std::string &a, const std::string &b) {
  struct stat sa, sb;
  bool ea = ::stat(a.c_str(), &sa) == 0, eb = ::stat(b.c_str(), &sb) == 0;
  if (ea || eb)
    return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  StatusOr<std::string> ra = resolveSymlinks(a), rb = resolveSymlinks(b);
  return ra.isOk() && rb.isOk() && *ra == *rb;
}

/// Refuses outputs that name the input or each other, before anything is
/// read or written.
Status
checkOutputs(const std::string &input,
             const std::vector<std::pair<std::string, std::string>> &outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto &[label, path] = outputs[i];
    if (path.empty())
      return Status::error(label + " needs a file name");
    if (sameFile(path, input))
      return Status::error(label + " names the input file (" + path +
                           "); refusing to overwrite it");
    for (size_t j = 0; j < i; ++j)
      if (sameFile(path, outputs[j].second))
        return Status::error(outputs[j].first + " and " + label +
                             " name the same file (" + path + ")");
  }
  return Status::ok();
}

/// The number of tokens of `total` that --val-fraction puts in the
/// validation file: at least one, and at least one left for training.
StatusOr<uint64_t> validationCount(const tools::Args &args, uint64_t total) {
  StatusOr<double> fraction = args.getDouble("val-fraction", 0);
  if (!fraction.isOk())
    return fraction.status();
  if (!(*fraction > 0 && *fraction < 1))
    return Status::error("--val-fraction must lie strictly between 0 and 1, "
                         "got " +
                         args.get("val-fraction"));
  auto count = static_cast<uint64_t>(static_cast<double>(total) * *fraction);
  if (count == 0 || count == total)
    return Status::error("--val-fraction " + args.get("val-fraction") + " of " +
                         std::to_string(total) +
                         " tokens leaves one of the two files empty");
  return count;
}

Status tokenize(const tools::Args &args) {
  const std::string &text = args.positional()[1];
  if (!args.has("output"))
    return Status::error("tokenize needs -o OUT.safetensors");
  if (args.has("val-fraction") != args.has("val-out"))
    return Status::error("--val-fraction and --val-out go together");
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"-o", args.get("output")}};
  if (args.has("val-out"))
    outputs.push_back({"--val-out", args.get("val-out")});
  MLC_RETURN_IF_ERROR(checkOutputs(text, outputs));

  StatusOr<MappedFile> mapped = MappedFile::open(text);
  if (!mapped.isOk())
    return mapped.status();
  if (mapped->size() == 0)
    return Status::error(text + " is empty: there is nothing to tokenize");
  std::vector<int32_t> tokens = ByteTokenizer::encode(std::string_view(
      reinterpret_cast<const char *>(mapped->data()), mapped->size()));
  uint64_t total = tokens.size(), held = 0;
  if (args.has("val-out")) {
    StatusOr<uint64_t> count = validationCount(args, total);
    if (!count.isOk())
      return count.status();
    held = *count;
    std::vector<int32_t> val(tokens.end() - held, tokens.end());
    tokens.resize(total - held);
    MLC_RETURN_IF_ERROR(writeTokenFile(
        args.get("val-out"), val, ByteTokenizer::kName, ByteTokenizer::kVocab));
  }
  MLC_RETURN_IF_ERROR(writeTokenFile(
      args.get("output"), tokens, ByteTokenizer::kName, ByteTokenizer::kVocab));
  std::printf("%s: %llu tokens (tokenizer %s, vocabulary %lld)\n", text.c_str(),
              static_cast<unsigned long long>(total), ByteTokenizer::kName,
              static_cast<long long>(ByteTokenizer::kVocab));
  std::printf("wrote %s: tokens 0 to %llu\n", args.get("output").c_str(),
              static_cast<unsigned long long>(total - held - 1));
  if (held)
    std::printf("wrote %s: tokens %llu to %llu\n", args.get("val-out").c_str(),
                static_cast<unsigned long long>(total - held),
                static_cast<unsigned long long>(total - 1));
  return Status::ok();
}

Status decode(const tools::Args &args) {
  const std::string &path = args.positional()[1];
  if (args.has("val-fraction") || args.has("val-out"))
    return Status::error("--val-fraction and --val-out are for tokenize");
  if (args.has("output"))
    MLC_RETURN_IF_ERROR(checkOutputs(path, {{"-o", args.get("output")}}));
  StatusOr<TokenFile> file = TokenFile::open(path);
  if (!file.isOk())
    return file.status();
  std::string tokenizer = file->tokenizer();
  if (!tokenizer.empty() && tokenizer != ByteTokenizer::kName)
    return Status::error(path + " was made by the tokenizer '" + tokenizer +
                         "'; mlc-data decodes '" + ByteTokenizer::kName +
                         "' token files");
  std::vector<int32_t> ids;
  MLC_RETURN_IF_ERROR(resizeOrFail(ids, file->numTokens(), "decoding " + path));
  file->copy(0, ids.size(), ids.data());
  StatusOr<std::string> text = ByteTokenizer::decode(ids.data(), ids.size());
  if (!text.isOk())
    return text.status().withContext(path);
  if (!args.has("output")) {
    std::fwrite(text->data(), 1, text->size(), stdout);
    return Status::ok();
  }
  StatusOr<AtomicFileWriter> out = AtomicFileWriter::create(args.get("output"));
  if (!out.isOk())
    return out.status();
  MLC_RETURN_IF_ERROR(out->write(text->data(), text->size()));
  return out->commit();
}

Status dataMain(int argc, char **argv) {
  tools::Args args = declareArgs();
  MLC_RETURN_IF_ERROR(args.parse(argc, argv));
  if (args.has("help")) {
    std::printf("%s%s", kHelp, args.usage().c_str());
    return Status::ok();
  }
  const std::vector<std::string> &pos = args.positional();
  if (pos.empty() || (pos[0] != "tokenize" && pos[0] != "decode"))
    return Status::error("expected a command, tokenize or decode (see "
                         "mlc-data --help)");
  if (pos.size() != 2)
    return Status::error(pos[0] + " takes one file (see mlc-data --help)");
  std::string tokenizer = args.get("tokenizer", ByteTokenizer::kName);
  if (tokenizer != ByteTokenizer::kName)
    return Status::error("unknown tokenizer '" + tokenizer +
                         "' (expected bytes)");
  return pos[0] == "tokenize" ? tokenize(args) : decode(args);
}

} // namespace

int main(int argc, char **argv) {
  Status status = dataMain(argc, argv);
  if (!status.isOk()) {
    std::fflush(stdout);
    std::fprintf(stderr, "mlc-data: error: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
