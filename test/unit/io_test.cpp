// Unit tests of the runtime's error values and of how it reads and writes
// files: Status codes and allocation failures, the mapped file layer, safe
// safetensors writes (symlinks, non-regular targets, stale temporaries),
// hostile headers and sizes, CSV quoting and checkpoint step metadata.
#include "runtime/Checkpoint.h"
#include "runtime/Dataset.h"
#include "runtime/Device.h"
#include "runtime/Executable.h"
#include "runtime/File.h"
#include "runtime/Metrics.h"
#include "runtime/Safetensors.h"
#include "runtime/Status.h"
#include "test/unit/SmallExecutable.h"

#include <gtest/gtest.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mlc::rt {
namespace {

using namespace fixtures;

void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

bool startsWith(const std::string &s, const std::string &prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool exists(const std::string &path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

/// The names in `dir` that contain ".tmp.".
std::vector<std::string> temporariesIn(const std::string &dir) {
  std::vector<std::string> names;
  if (DIR *d = ::opendir(dir.c_str())) {
    while (const struct dirent *e = ::readdir(d))
      if (std::string(e->d_name).find(".tmp.") != std::string::npos)
        names.push_back(e->d_name);
    ::closedir(d);
  }
  return names;
}

/// A fresh empty folder for one test, removed with its contents at the end.
struct ScratchDir {
  explicit ScratchDir(const std::string &name) : path(tempPath(name)) {
    removeAll();
    EXPECT_EQ(::mkdir(path.c_str(), 0755), 0);
  }
  ~ScratchDir() { removeAll(); }
  void removeAll() {
    std::string cmd = "rm -rf '" + path + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  std::string path;
};

/// The value of a one-float safetensors file's tensor "v", or NaN.
float readV(const std::string &path) {
  auto f = SafetensorsFile::open(path);
  if (!f.isOk() || !f->find("v"))
    return NAN;
  float v;
  std::memcpy(&v, f->find("v")->data, 4);
  return v;
}

Status writeV(const std::string &path, float v) {
  return writeSafetensors(path, {{"v", {DType::f32, {1}}, &v}}, {});
}

/// The pid of a process that has exited (and been reaped).
pid_t deadPid() {
  pid_t child = ::fork();
  if (child == 0)
    ::_exit(0);
  int status;
  ::waitpid(child, &status, 0);
  return child;
}

// --- Status ------------------------------------------------------------------

TEST(Status, CarriesACode) {
  EXPECT_EQ(Status::ok().code(), StatusCode::Ok);
  EXPECT_EQ(Status::error("bad").code(), StatusCode::InvalidInput);
  EXPECT_EQ(Status::outOfMemory("oom").code(), StatusCode::OutOfMemory);
  EXPECT_EQ(Status::unavailable("gone").code(), StatusCode::Unavailable);
  EXPECT_EQ(Status::internal("bug").code(), StatusCode::Internal);
  EXPECT_FALSE(Status::internal("bug").isOk());
  EXPECT_EQ(Status::unavailable("gone").message(), "gone");
}

TEST(Status, ContextKeepsTheCode) {
  Status s = Status::outOfMemory("no room").withContext("loading w");
  EXPECT_EQ(s.code(), StatusCode::OutOfMemory);
  EXPECT_EQ(s.message(), "loading w: no room");
  EXPECT_TRUE(Status::ok().withContext("x").isOk());
}

TEST(StatusOr, BuiltFromAnOkStatusIsAnInternalError) {
  // A value-less StatusOr that claims success would crash on access; in
  // every build type it must report an error instead.
  StatusOr<int> s(Status::ok());
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.status().code(), StatusCode::Internal);
  EXPECT_NE(s.status().message().find("OK status"), std::string::npos);
  StatusOr<int> v(3);
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(*v, 3);
}

TEST(StatusOr, ResizeOrFailReportsOutOfMemory) {
  std::vector<uint64_t> v;
  Status s = resizeOrFail(v, SIZE_MAX / 16, "a hostile table");
  EXPECT_EQ(s.code(), StatusCode::OutOfMemory);
  EXPECT_NE(s.message().find("a hostile table"), std::string::npos);
  EXPECT_TRUE(resizeOrFail(v, 4, "four").isOk());
  EXPECT_EQ(v.size(), 4u);
}

TEST(Device, AllocationFailureIsOutOfMemory) {
  DeviceRegistry devices;
  registerBuiltinDevices(devices);
  auto device = devices.create("cpu", DeviceOptions{1});
  ASSERT_TRUE(device.isOk());
  for (size_t bytes : {SIZE_MAX / 2, SIZE_MAX - 10}) {
    StatusOr<void *> mem = (*device)->allocate(bytes);
    ASSERT_FALSE(mem.isOk()) << bytes;
    EXPECT_EQ(mem.status().code(), StatusCode::OutOfMemory)
        << mem.status().message();
  }
}

// --- Reading files
// ------------------------------------------------------------

TEST(MappedFile, MapsARegularFile) {
  std::string path = tempPath("mapped.bin");
  writeFile(path, "hello, file");
  StatusOr<MappedFile> f = MappedFile::open(path);
  ASSERT_TRUE(f.isOk()) << f.status().message();
  ASSERT_EQ(f->size(), 11u);
  EXPECT_EQ(std::string(reinterpret_cast<const char *>(f->data()), 11),
            "hello, file");
  // Page-aligned, and the bytes stay put when the object moves.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(f->data()) % 4096, 0u);
  const uint8_t *before = f->data();
  MappedFile moved = std::move(f).value();
  EXPECT_EQ(moved.data(), before);
  std::remove(path.c_str());
}

TEST(MappedFile, MapsAnEmptyFile) {
  std::string path = tempPath("empty.bin");
  writeFile(path, "");
  StatusOr<MappedFile> f = MappedFile::open(path);
  ASSERT_TRUE(f.isOk()) << f.status().message();
  EXPECT_EQ(f->size(), 0u);
  std::remove(path.c_str());
}

TEST(MappedFile, RefusesADirectory) {
  std::string dir = ::testing::TempDir();
  StatusOr<MappedFile> f = MappedFile::open(dir);
  ASSERT_FALSE(f.isOk());
  EXPECT_EQ(f.status().message(), dir + ": is a directory");
}

TEST(MappedFile, RefusesDevicesAndFifos) {
  StatusOr<MappedFile> zero = MappedFile::open("/dev/zero");
  ASSERT_FALSE(zero.isOk());
  EXPECT_EQ(zero.status().message(),
            "/dev/zero: is not a regular file (character device)");
  // Opening a FIFO must not wait for a writer.
  std::string fifo = tempPath("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  StatusOr<MappedFile> f = MappedFile::open(fifo);
  ASSERT_FALSE(f.isOk());
  EXPECT_EQ(f.status().message(), fifo + ": is not a regular file (FIFO)");
  std::remove(fifo.c_str());
}

TEST(MappedFile, NamesAMissingFile) {
  std::string path = tempPath("no-such-file");
  StatusOr<MappedFile> f = MappedFile::open(path);
  ASSERT_FALSE(f.isOk());
  EXPECT_EQ(f.status().message(),
            path + ": cannot open (No such file or directory)");
  EXPECT_EQ(f.status().code(), StatusCode::InvalidInput);
}

TEST(Safetensors, OpenRefusesWhatIsNotARegularFile) {
  std::string dir = ::testing::TempDir();
  auto d = SafetensorsFile::open(dir);
  ASSERT_FALSE(d.isOk());
  EXPECT_EQ(d.status().message(), dir + ": is a directory");
  auto z = SafetensorsFile::open("/dev/zero");
  ASSERT_FALSE(z.isOk());
  EXPECT_EQ(z.status().message(),
            "/dev/zero: is not a regular file (character device)");
}

TEST(Safetensors, ChecksTheHeaderLengthAgainstTheFile) {
  // A header claiming 50 MB in a 20-byte file is refused before a byte of
  // it is read.
  std::string path = tempPath("long-header.safetensors");
  uint64_t n = 50u << 20;
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  writeFile(path, bytes + "{\"a\":1}    ");
  auto f = SafetensorsFile::open(path);
  ASSERT_FALSE(f.isOk());
  EXPECT_EQ(f.status().message(),
            path + ": safetensors header length 52428800 exceeds the file");
  writeFile(path, "");
  auto empty = SafetensorsFile::open(path);
  ASSERT_FALSE(empty.isOk());
  EXPECT_NE(empty.status().message().find("truncated safetensors file (0"),
            std::string::npos);
  std::remove(path.c_str());
}

/// The error of parsing a safetensors file with header `header` and no
/// data, or "" if it parses.
std::string headerError(const std::string &header) {
  std::vector<uint8_t> bytes(8);
  for (int i = 0; i < 8; ++i)
    bytes[i] = static_cast<uint8_t>(uint64_t(header.size()) >> (8 * i));
  bytes.insert(bytes.end(), header.begin(), header.end());
  auto f = SafetensorsFile::parse(std::move(bytes), "h");
  return f.isOk() ? "" : f.status().message();
}

TEST(Safetensors, BoundsWhatAHeaderCanMakeTheParserBuild) {
  // 100 MB of "[[[[" or of shape dims would take gigabytes as a JSON tree;
  // they are refused by a first pass that builds nothing.
  EXPECT_EQ(headerError(std::string(1'000'000, '[')),
            "h: safetensors header nests deeper than 8 levels");
  std::string wide = R"({"x":{"dtype":"F32","shape":[)";
  for (int i = 0; i < 10'000'001; ++i)
    wide += i ? ",0" : "0";
  wide += R"(],"data_offsets":[0,0]}})";
  EXPECT_EQ(headerError(wide),
            "h: safetensors header holds more than 10000000 values");
  // A real header passes.
  EXPECT_EQ(headerError(R"({"__metadata__":{"k":"v"},"x":{"dtype":"F32",)"
                        R"("shape":[0,2],"data_offsets":[0,0]}})"),
            "");
  EXPECT_EQ(headerError("{not json"),
            "h: safetensors header is not a JSON object");
}

TEST(Safetensors, ReadsAFileThatIsMapped) {
  std::string path = tempPath("mapped.safetensors");
  std::vector<float> a = {1, 2, 3};
  ASSERT_TRUE(
      writeSafetensors(path, {{"a", {DType::f32, {3}}, a.data()}}, {}).isOk());
  auto f = SafetensorsFile::open(path);
  ASSERT_TRUE(f.isOk()) << f.status().message();
  // The file outlives a move: its tensors still point at the right bytes.
  SafetensorsFile moved = std::move(f).value();
  ASSERT_NE(moved.find("a"), nullptr);
  EXPECT_EQ(std::memcmp(moved.find("a")->data, a.data(), 12), 0);
  std::remove(path.c_str());
}

TEST(Safetensors, WriteRefusesNamesThatAreNotUtf8) {
  std::string path = tempPath("utf8.safetensors");
  float v = 1;
  Status s = writeSafetensors(path, {{"w\xff", {DType::f32, {1}}, &v}}, {});
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("not valid UTF-8"), std::string::npos)
      << s.message();
  Status m = writeSafetensors(path, {{"w", {DType::f32, {1}}, &v}},
                              {{"note", "\xc3"}});
  ASSERT_FALSE(m.isOk());
  EXPECT_NE(m.message().find("not valid UTF-8"), std::string::npos);
  struct stat st;
  EXPECT_NE(::stat(path.c_str(), &st), 0) << "wrote a file anyway";
}

TEST(Safetensors, WriteRefusesDuplicateAndReservedNames) {
  std::string path = tempPath("dup.safetensors");
  float v = 1;
  Status dup = writeSafetensors(
      path, {{"w", {DType::f32, {1}}, &v}, {"w", {DType::f32, {1}}, &v}}, {});
  ASSERT_FALSE(dup.isOk());
  EXPECT_NE(dup.message().find("two tensors are named 'w'"), std::string::npos);
  Status reserved =
      writeSafetensors(path, {{"__metadata__", {DType::f32, {1}}, &v}}, {});
  ASSERT_FALSE(reserved.isOk());
}

// --- Writing files
// ------------------------------------------------------------

TEST(AtomicWrite, WritesThroughASymlink) {
  // The link stays a link and its target gets the new contents; the
  // temporary lives next to the target, so the rename stays on one disk.
  ScratchDir scratch("symlink");
  std::string dir = scratch.path;
  ASSERT_EQ(::mkdir((dir + "/real").c_str(), 0755), 0);
  std::string target = dir + "/real/ckpt.safetensors";
  std::string link = dir + "/link.safetensors";
  ASSERT_TRUE(writeV(target, 1).isOk());
  ASSERT_EQ(::symlink("real/ckpt.safetensors", link.c_str()), 0);
  Status s = writeV(link, 2);
  ASSERT_TRUE(s.isOk()) << s.message();
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the link was replaced by a file";
  EXPECT_EQ(readV(target), 2.0f);
  EXPECT_TRUE(temporariesIn(dir).empty());
  EXPECT_TRUE(temporariesIn(dir + "/real").empty());
}

TEST(AtomicWrite, WritesThroughADanglingSymlink) {
  ScratchDir scratch("dangling");
  std::string dir = scratch.path;
  std::string link = dir + "/link.safetensors";
  ASSERT_EQ(::symlink((dir + "/new.safetensors").c_str(), link.c_str()), 0);
  ASSERT_TRUE(writeV(link, 3).isOk());
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(readV(dir + "/new.safetensors"), 3.0f);
}

TEST(AtomicWrite, RefusesSymlinkLoops) {
  ScratchDir scratch("loop");
  std::string dir = scratch.path;
  std::string a = dir + "/a", b = dir + "/b";
  ASSERT_EQ(::symlink(b.c_str(), a.c_str()), 0);
  ASSERT_EQ(::symlink(a.c_str(), b.c_str()), 0);
  Status s = writeV(a, 1);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("too many levels of symbolic links"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(temporariesIn(dir).empty());
}

TEST(AtomicWrite, RefusesTargetsThatAreNotRegularFiles) {
  ScratchDir scratch("nonregular");
  std::string dir = scratch.path;
  std::string sub = dir + "/sub", fifo = dir + "/fifo";
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Status d = writeV(sub, 1);
  ASSERT_FALSE(d.isOk());
  EXPECT_EQ(d.message(), sub + ": is a directory; refusing to replace it");
  Status f = writeV(fifo, 1);
  ASSERT_FALSE(f.isOk());
  EXPECT_EQ(f.message(),
            fifo + ": is not a regular file (FIFO); refusing to replace it");
  // A device node of the test's own (never /dev/null: were the check
  // broken, the write would replace it for the whole machine).
  std::string device = dir + "/null";
  if (::mknod(device.c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0) {
    Status n = writeV(device, 1);
    ASSERT_FALSE(n.isOk());
    EXPECT_EQ(n.message(), device + ": is not a regular file (character "
                                    "device); refusing to replace it");
    struct stat st;
    ASSERT_EQ(::lstat(device.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
  }
  // A link to a directory names both.
  std::string link = dir + "/link";
  ASSERT_EQ(::symlink(sub.c_str(), link.c_str()), 0);
  Status l = writeV(link, 1);
  ASSERT_FALSE(l.isOk());
  EXPECT_EQ(l.message(),
            link + " (-> " + sub + "): is a directory; refusing to replace it");
  // Untouched, and nothing left next to them.
  struct stat st;
  ASSERT_EQ(::lstat(sub.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(temporariesIn(dir).empty());
}

TEST(AtomicWrite, LeavesNoTemporaryWhenAWriteFails) {
  // A file-size limit makes write(2) fail half-way (EFBIG): the old file
  // stays whole and the temporary goes.
  ScratchDir scratch("failing");
  std::string dir = scratch.path;
  std::string path = dir + "/ckpt.safetensors";
  ASSERT_TRUE(writeV(path, 1).isOk());
  std::vector<float> big(1 << 16, 5.0f);
  struct rlimit old;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  Status s = writeSafetensors(
      path, {{"v", {DType::f32, {int64_t(big.size())}}, big.data()}}, {});
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("write failed"), std::string::npos) << s.message();
  EXPECT_EQ(readV(path), 1.0f);
  EXPECT_TRUE(temporariesIn(dir).empty());
}

TEST(AtomicWrite, RemovesStaleTemporariesOfTheSameTargetOnly) {
  ScratchDir scratch("stale");
  std::string dir = scratch.path;
  std::string path = dir + "/ckpt.safetensors";
  std::string dead = std::to_string(deadPid());
  std::string alive = std::to_string(::getppid());
  std::string staleOurs = path + ".tmp." + dead;
  std::vector<std::string> kept = {
      path + ".tmp." + alive,                     // a live writer's
      dir + "/other.safetensors.tmp." + dead,     // another target's
      path + ".tmp." + dead + "x",                // not a pid
      path + ".tmp.0",                            // not a process
      dir + "/ckpt.safetensors.bak.tmp." + dead}; // another target's
  for (const std::string &f : kept)
    writeFile(f, "x");
  writeFile(staleOurs, std::string(4096, 'x'));
  ASSERT_TRUE(writeV(path, 7).isOk());
  EXPECT_FALSE(exists(staleOurs)) << "a killed writer's temporary stayed";
  for (const std::string &f : kept)
    EXPECT_TRUE(exists(f)) << f << " was removed";
  EXPECT_EQ(readV(path), 7.0f);
  EXPECT_EQ(removeStaleTemporaries(path), 0);
}

TEST(AtomicWrite, KeepsThePermissionsOfTheFileItReplaces) {
  ScratchDir scratch("mode");
  std::string dir = scratch.path;
  std::string path = dir + "/private.safetensors";
  ASSERT_TRUE(writeV(path, 1).isOk());
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_TRUE(writeV(path, 2).isOk());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Metrics, NamesThatAreNotUtf8DoNotThrow) {
  std::string path = tempPath("utf8.jsonl");
  auto w = MetricsWriter::open(path, {"phase", "l\xffss"});
  ASSERT_TRUE(w.isOk());
  Status s = (*w)->write({MetricField::str("phase", "tr\xe9in"),
                          MetricField::num("l\xffss", 0.5)});
  EXPECT_TRUE(s.isOk()) << s.message();
  std::remove(path.c_str());
}

TEST(Executable, LoadFileRefusesWhatIsNotARegularFile) {
  std::string dir = ::testing::TempDir();
  auto d = Executable::loadFile(dir);
  ASSERT_FALSE(d.isOk());
  EXPECT_EQ(d.status().message(), dir + ": is a directory");
  auto z = Executable::loadFile("/dev/zero");
  ASSERT_FALSE(z.isOk());
  EXPECT_TRUE(startsWith(z.status().message(), "/dev/zero: is not a regular"));
  std::string path = tempPath("empty.mlcx");
  writeFile(path, "");
  auto e = Executable::loadFile(path);
  ASSERT_FALSE(e.isOk());
  EXPECT_NE(e.status().message().find("truncated: 0 bytes"), std::string::npos);
  std::remove(path.c_str());
}

// --- Sizes, contents and metadata
// ----------------------------------------------

TEST(Session, EmptyBuffersAreRefusedBeforeKernelsSizeTheirScratch) {
  // Softmax over axis 0 of an empty [0, 2^50] tensor would keep one running
  // max per inner position (2^50 of them), and an input [2, 0] has rows of
  // no bytes that a tiny data file could claim 2^40 of. mlc has no empty
  // tensors: the loader refuses such buffers before any kernel or data set
  // sees them.
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{0, int64_t(1) << 50}, std::vector<int64_t>{2, 0}}) {
    fb::ExecutableT exe = smallExecutable();
    exe.programs[0]->buffers[0]->shape = shape;
    exe.programs[0]->buffers[0]->byte_size = 0;
    auto session = sessionFor(pack(exe));
    ASSERT_FALSE(session.isOk());
    EXPECT_EQ(session.status().code(), StatusCode::InvalidInput);
    EXPECT_NE(session.status().message().find("has dimension 0"),
              std::string::npos)
        << session.status().message();
  }
}

TEST(Metrics, QuotesCsvFieldsAsRfc4180Says) {
  // An output named "a,b" must stay one column: header and rows alike.
  std::string path = tempPath("quoted.csv");
  auto w = MetricsWriter::open(path, {"phase", "a,b", "say \"hi\"", "x\ny"});
  ASSERT_TRUE(w.isOk());
  ASSERT_TRUE((*w)->write({MetricField::str("phase", "tr,ain"),
                           MetricField::num("a,b", 1),
                           MetricField::str("say \"hi\"", "\"q\""),
                           MetricField::str("x\ny", "cr\rhere")})
                  .isOk());
  EXPECT_EQ(readText(path), "phase,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\n"
                            "\"tr,ain\",1,\"\"\"q\"\"\",\"cr\rhere\"\n");
  std::remove(path.c_str());
}

TEST(Checkpoint, ParsesTheStepStrictly) {
  auto session = sessionFor(pack(smallExecutable()));
  ASSERT_TRUE(session.isOk());
  Session &s = **session;
  std::string path = tempPath("step.safetensors");
  std::vector<float> w(12, 2.0f);
  auto withStep = [&](const std::map<std::string, std::string> &metadata) {
    EXPECT_TRUE(writeSafetensors(path, {{"w", {DType::f32, {3, 4}}, w.data()}},
                                 metadata)
                    .isOk());
    return loadCheckpoint(s, path, LoadScope::Everything);
  };
  auto ok = withStep({{"mlc.step", "18446744073709551615"}});
  ASSERT_TRUE(ok.isOk()) << ok.status().message();
  EXPECT_EQ(*ok, UINT64_MAX);
  for (const char *bad : {"-5", "+5", "", " 5", "5 ", "5x", "0x10", "1e3",
                          "18446744073709551616", "99999999999999999999"}) {
    auto r = withStep({{"mlc.step", bad}});
    ASSERT_FALSE(r.isOk()) << "accepted mlc.step = '" << bad << "'";
    EXPECT_NE(r.status().message().find("is not a step number"),
              std::string::npos)
        << r.status().message();
  }
  std::remove(path.c_str());
}

TEST(Checkpoint, ResumingNeedsARecordedStep) {
  // A weights file without mlc.step is not a training checkpoint: resuming
  // from it is refused, and leaves the session as it was; as initial
  // parameters it is fine.
  auto session = sessionFor(pack(smallExecutable()));
  ASSERT_TRUE(session.isOk());
  Session &s = **session;
  ASSERT_TRUE(s.initialize(0).isOk()); // w = ones
  std::string path = tempPath("nostep.safetensors");
  std::vector<float> w(12, 2.0f);
  ASSERT_TRUE(
      writeSafetensors(path, {{"w", {DType::f32, {3, 4}}, w.data()}}, {})
          .isOk());
  auto resumed = loadCheckpoint(s, path, LoadScope::Everything);
  ASSERT_FALSE(resumed.isOk());
  EXPECT_NE(resumed.status().message().find(
                "is not an mlc training checkpoint: its metadata has no "
                "mlc.step"),
            std::string::npos)
      << resumed.status().message();
  std::vector<float> back(12);
  ASSERT_TRUE(s.read(1, back.data(), 48).isOk());
  EXPECT_EQ(back, std::vector<float>(12, 1.0f)) << "written before refusing";
  auto params = loadCheckpoint(s, path, LoadScope::Parameters);
  ASSERT_TRUE(params.isOk()) << params.status().message();
  EXPECT_EQ(*params, 0u);
  ASSERT_TRUE(s.read(1, back.data(), 48).isOk());
  EXPECT_EQ(back, w);
  std::remove(path.c_str());
}

} // namespace
} // namespace mlc::rt
