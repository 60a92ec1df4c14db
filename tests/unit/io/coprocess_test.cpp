#include "dqprep/io/coprocess.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace dqprep::coprocess {
namespace {

// Processes of process group `group` that are alive (not zombies waiting for their new parent).
int live_members(pid_t group) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    long ppid, pgrp;
    if (!(rest >> state >> ppid >> pgrp)) continue;
    if (pgrp == group && state != 'Z' && state != 'X') ++n;
  }
  return n;
}

std::unique_ptr<Coprocess> start(const std::string& command) {
  auto c = Coprocess::start(command);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return std::move(*c);
}

TEST(Coprocess, AnswersLineForLine) {
  // A helper must answer each line before reading on (tr alone would buffer its output).
  auto c = start("while IFS= read -r l; do printf '%s\\n' \"$l\" | tr a-z A-Z; done");
  std::vector<std::string> answers;
  ASSERT_TRUE(c->exchange("one\ntwo\n", 2, 5, answers).ok());
  EXPECT_EQ(answers, (std::vector<std::string>{"ONE", "TWO"}));
  ASSERT_TRUE(c->exchange("three\n", 1, 5, answers).ok());
  EXPECT_EQ(answers, (std::vector<std::string>{"THREE"}));
}

TEST(Coprocess, LargeRequestsDoNotDeadlock) {
  // 8 MB through cat: far more than both pipe buffers, so requests and answers must interleave.
  auto c = start("cat");
  std::string line(1 << 20, 'x');
  std::string requests;
  for (int i = 0; i < 8; ++i) requests += line + "\n";
  std::vector<std::string> answers;
  ASSERT_TRUE(c->exchange(requests, 8, 10, answers).ok());
  ASSERT_EQ(answers.size(), 8u);
  EXPECT_EQ(answers[7], line);
}

TEST(Coprocess, ExitBeforeAnsweringIsAnError) {
  auto c = start("read x; exit 3");
  std::vector<std::string> answers;
  Status s = c->exchange("a\nb\n", 2, 5, answers);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::io);
  EXPECT_NE(s.message().find("exited with status 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("after 0 of 2 answers"), std::string::npos) << s.message();
}

TEST(Coprocess, MissingCommandSaysSo) {
  auto c = start("exec /nonexistent/helper 2>/dev/null");
  std::vector<std::string> answers;
  Status s = c->exchange("a\n", 1, 5, answers);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("status 127"), std::string::npos) << s.message();
}

TEST(Coprocess, StallTimesOutAndKillsTheGroup) {
  // The shell starts sleep as a child; the kill must reach it too, or the test would wait 30 s
  // for the pipe to close.
  auto c = start("sleep 30; true");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GE(live_members(c->pid()), 1);
  std::vector<std::string> answers;
  auto t0 = std::chrono::steady_clock::now();
  Status s = c->exchange("a\n", 1, 0.2, answers);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no answer within 0.2 s"), std::string::npos) << s.message();
  EXPECT_LT(took, 5.0);
  // sleep was killed with its shell (SIGKILL is delivered asynchronously: give it a moment).
  int live = live_members(c->pid());
  for (int i = 0; i < 200 && live > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    live = live_members(c->pid());
  }
  EXPECT_EQ(live, 0);
}

TEST(Coprocess, CheckRejectsGarbageAtOnce) {
  auto c = start("echo garbage; sleep 30");
  std::vector<std::string> answers;
  auto t0 = std::chrono::steady_clock::now();
  Status s = c->exchange("a\nb\n", 2, 20, answers, [](size_t i, const std::string& answer) -> Status {
    if (answer == "garbage") return Status::io("bad answer " + std::to_string(i + 1));
    return {};
  });
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "bad answer 1");
  EXPECT_LT(took, 5.0);
}

TEST(Coprocess, DestructorReapsAWellBehavedHelper) {
  pid_t pid;
  {
    auto c = start("cat >/dev/null");
    pid = c->pid();
  }
  EXPECT_NE(::kill(pid, 0), 0);
}

}  // namespace
}  // namespace dqprep::coprocess
