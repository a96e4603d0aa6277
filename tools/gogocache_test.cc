// Copyright 2026 The gogocache Authors.
//
// The `gogocache` binary run as a user runs it, in a child process with a
// time limit: what it does with a store path that is a FIFO, and what the
// demo does when its store refuses writes.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/open.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReadFileOrDie;
using ::testing::HasSubstr;
using ::testing::Not;

// Every name in `dir`, sorted.
std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

std::string BinaryPath() {
  const char* runfiles = std::getenv("TEST_SRCDIR");
  return runfiles != nullptr
             ? absl::StrCat(runfiles, "/gogocache/tools/gogocache")
             : "tools/gogocache";
}

struct Outcome {
  bool finished = false;  // Within the time limit.
  int exit_code = -1;     // When it exited.
  std::string out;
  std::string err;
};

// Runs `gogocache ARGS...` with its output in files under `dir`, killed if
// it takes longer than `limit`. `max_file_bytes` > 0 sets RLIMIT_FSIZE, with
// SIGXFSZ at its default disposition: the stores must fail the write past
// it, not let the signal end the process.
Outcome RunGogocache(const std::vector<std::string>& args,
                     const std::string& dir, std::chrono::seconds limit,
                     rlim_t max_file_bytes = 0) {
  const std::string out_path = dir + "/stdout";
  const std::string err_path = dir + "/stderr";
  std::string binary = BinaryPath();
  std::vector<std::string> argv_strings = {binary};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  Outcome run;
  const pid_t child = fork();
  if (child < 0) {
    ADD_FAILURE() << "fork failed";
    return run;
  }
  if (child == 0) {
    // Only async-signal-safe calls between fork and exec.
    const int out =
        open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int err =
        open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 ||
        dup2(err, STDERR_FILENO) < 0) {
      _exit(126);
    }
    if (max_file_bytes > 0) {
      const rlimit limit_bytes = {max_file_bytes, max_file_bytes};
      if (signal(SIGXFSZ, SIG_DFL) == SIG_ERR ||
          setrlimit(RLIMIT_FSIZE, &limit_bytes) != 0) {
        _exit(126);
      }
    }
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  pid_t waited = 0;
  while ((waited = waitpid(child, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (waited == 0) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
  } else {
    run.finished = waited == child;
    if (run.finished && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  }
  run.out = ReadFileOrDie(out_path);
  run.err = ReadFileOrDie(err_path);
  unlink(out_path.c_str());
  unlink(err_path.c_str());
  return run;
}

TEST(GogocacheTest, EveryCommandOnAFifoFailsAtOnceAndCreatesNothing) {
  const std::string dir = FreshTestDir();
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  const std::string real = "file:" + dir + "/real.log";
  {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(real);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
  }
  const std::vector<std::string> before = List(dir);
  for (const char* scheme : {"file", "rocksdb"}) {
    const std::string spec = absl::StrCat(scheme, ":", fifo);
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{
             {"inspect", spec},
             {"verify", spec},
             {"compact", spec},
             {"dump", "--values", spec},
             {"convert", spec, "file:" + dir + "/copy.log"},
             {"convert", real, spec},
             {"demo", "--duration=100ms", "--store=" + spec},
         }) {
      SCOPED_TRACE(absl::StrJoin(args, " "));
      const Outcome run = RunGogocache(args, dir, std::chrono::seconds(20));
      EXPECT_TRUE(run.finished) << "still running after 20 s";
      EXPECT_EQ(run.exit_code, 1) << run.err;
      EXPECT_THAT(run.err, HasSubstr(fifo + " is a FIFO"));
      EXPECT_EQ(List(dir), before);
    }
  }
}

TEST(GogocacheTest, DemoExitsNonZeroWhenItsStoreRefusesWrites) {
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer's runtime faults (SIGBUS) in its own shadow memory when
  // a program starts under a small RLIMIT_FSIZE, before main(); the other
  // configurations run this case.
  GTEST_SKIP() << "ThreadSanitizer cannot start under a file-size limit";
#endif
  const std::string dir = FreshTestDir();
  // A log may not grow past 256 KiB; the demo writes megabytes.
  const Outcome run = RunGogocache(
      {"demo", "--threads=2", "--duration=1s", "--keys=5000",
       "--source_latency=50us", "--store=file:" + dir + "/demo.log"},
      dir, std::chrono::seconds(60), /*max_file_bytes=*/256 << 10);
  ASSERT_TRUE(run.finished) << "still running after 60 s";
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("store writes failed"));
  EXPECT_THAT(run.err, HasSubstr("the first with: "));
  EXPECT_THAT(run.out, Not(HasSubstr("to start warm")));
}

}  // namespace
}  // namespace gogocache
