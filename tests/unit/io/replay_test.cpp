#include "dqprep/io/replay.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dqprep/io/passes.hpp"

namespace dqprep::io {

namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    std::string t = (fs::temp_directory_path() / "dqprep-replay-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name) const { return (fs::path(path) / name).string(); }
  std::string path;
};

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReplayableInputs, RegularFileIsRereadInPlace) {
  TempDir dir;
  write_text(dir.file("a.jsonl"), "{\"a\":1}\n");
  Result<std::unique_ptr<ReplayableInputs>> r = ReplayableInputs::open({dir.file("a.jsonl")});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)->paths()[0], dir.file("a.jsonl"));
  EXPECT_EQ((*r)->names()[0], dir.file("a.jsonl"));
  EXPECT_TRUE((*r)->check_unchanged().ok());
}

TEST(ReplayableInputs, ChangedFileIsAnIoError) {
  TempDir dir;
  write_text(dir.file("a.jsonl"), "{\"a\":1}\n");
  Result<std::unique_ptr<ReplayableInputs>> r = ReplayableInputs::open({dir.file("a.jsonl")});
  ASSERT_TRUE(r.ok());
  std::ofstream(dir.file("a.jsonl"), std::ios::app) << "{\"a\":2}\n";
  Status s = (*r)->check_unchanged();
  EXPECT_EQ(s.code(), StatusCode::io);
  EXPECT_NE(s.message().find("changed between two passes"), std::string::npos) << s.message();
}

TEST(ReplayableInputs, SameSizeRewriteIsSeenByItsModificationTime) {
  TempDir dir;
  write_text(dir.file("a.jsonl"), "{\"a\":1}\n");
  Result<std::unique_ptr<ReplayableInputs>> r = ReplayableInputs::open({dir.file("a.jsonl")});
  ASSERT_TRUE(r.ok());
  struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
  write_text(dir.file("a.jsonl"), "{\"a\":9}\n");
  ASSERT_EQ(::utimensat(AT_FDCWD, dir.file("a.jsonl").c_str(), times, 0), 0);
  EXPECT_EQ((*r)->check_unchanged().code(), StatusCode::io);
}

TEST(ReplayableInputs, FifoIsSpilledOnceAndRemoved) {
  TempDir dir;
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    write_text(fifo, "{\"a\":1}\n{\"a\":2}\n");
    ::_exit(0);
  }
  std::string spill;
  {
    Result<std::unique_ptr<ReplayableInputs>> r = ReplayableInputs::open({fifo});
    ASSERT_TRUE(r.ok()) << r.status().message();
    spill = (*r)->paths()[0];
    EXPECT_NE(spill, fifo);
    EXPECT_EQ((*r)->names()[0], fifo);
    EXPECT_NE(fs::path(spill).filename().string().find("dqprep-" + std::to_string(::getpid()) + "-spill."),
              std::string::npos);
    EXPECT_EQ(read_text(spill), "{\"a\":1}\n{\"a\":2}\n");
    EXPECT_TRUE((*r)->check_unchanged().ok());
  }
  EXPECT_FALSE(fs::exists(spill));
  int status = 0;
  ::waitpid(child, &status, 0);
}

TEST(ReplayableInputs, MissingFileAndDirectoryAreIoErrors) {
  TempDir dir;
  EXPECT_EQ(ReplayableInputs::open({dir.file("none.jsonl")}).status().code(), StatusCode::io);
  EXPECT_EQ(ReplayableInputs::open({dir.path}).status().code(), StatusCode::io);
}

}  // namespace

}  // namespace dqprep::io

namespace dqprep::stream {

namespace {

class CountProcessor : public RecordProcessor {
 public:
  Status process(const Line& line, Emitter& out) override {
    if (line.text.find("bad") != std::string_view::npos) return Status::bad_input("bad record");
    out.state().push_back('x');
    out.keep(line.text);
    return {};
  }
};

TEST(Passes, CollectingPassSkipsMalformedLinesTheWritingPassQuarantines) {
  io::TempDir dir;
  const std::string in = dir.file("in.jsonl"), out = dir.file("out.jsonl"), q = dir.file("q.jsonl");
  io::write_text(in, "{\"a\":1}\nbad\n{\"a\":2}\n");
  Options writing;
  writing.inputs = {in};
  writing.output = out;
  writing.quarantine = q;
  writing.on_error = ErrorPolicy::quarantine;
  Result<std::unique_ptr<Passes>> passes = Passes::open(writing, "test");
  ASSERT_TRUE(passes.ok());
  EXPECT_EQ((*passes)->collecting().on_error, ErrorPolicy::skip);
  EXPECT_TRUE((*passes)->collecting().quarantine.empty());
  EXPECT_FALSE((*passes)->collecting().write_records);
  size_t collected = 0;
  Result<report::Summary> first = (*passes)->collect(
      {[] { return std::make_unique<CountProcessor>(); }, [&](std::string_view s) { collected += s.size(); return Status(); }});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(collected, 2u);
  EXPECT_FALSE(std::filesystem::exists(q));
  Result<report::Summary> second = (*passes)->write([] { return std::make_unique<CountProcessor>(); });
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->out, 2u);
  EXPECT_EQ(second->quarantined, 1u);
  EXPECT_EQ(io::read_text(out), "{\"a\":1}\n{\"a\":2}\n");
  EXPECT_EQ((*passes)->passes_run(), 2);
}

TEST(Passes, FileChangedAfterTheFirstPassStopsTheSecond) {
  io::TempDir dir;
  const std::string in = dir.file("in.jsonl");
  io::write_text(in, "{\"a\":1}\n");
  Options writing;
  writing.inputs = {in};
  writing.output = dir.file("out.jsonl");
  Result<std::unique_ptr<Passes>> passes = Passes::open(writing, "test");
  ASSERT_TRUE(passes.ok());
  ASSERT_TRUE((*passes)->collect({[] { return std::make_unique<CountProcessor>(); }, [](std::string_view) { return Status(); }}).ok());
  std::ofstream(in, std::ios::app) << "{\"a\":2}\n";
  Result<report::Summary> second = (*passes)->write([] { return std::make_unique<CountProcessor>(); });
  EXPECT_EQ(second.status().code(), StatusCode::io);
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.jsonl")));
}

}  // namespace

}  // namespace dqprep::stream
