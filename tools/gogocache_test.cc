// Copyright 2026 The gogocache Authors.
//
// The `gogocache` binary run as a user runs it, in a child process with a
// time limit: what it does with a store path that is a FIFO, what the demo
// does when its store refuses writes, and what --help prints for the
// program and for each subcommand.

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

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/open.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReadFileOrDie;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSubsetOf;
using ::testing::Not;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

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

// Every subcommand, the one the cluster demo runs itself included.
const std::vector<std::string>& AllSubcommands() {
  static const auto* names = new std::vector<std::string>{
      "demo",   "serve",   "get",         "hash", "inspect",
      "verify", "compact", "convert",     "dump", "simulate",
      "trace",  "help",    "cluster_node"};
  return *names;
}

// `gogocache ARGS...`, which must end within 20 s.
Outcome RunToEnd(const std::vector<std::string>& args) {
  const Outcome run =
      RunGogocache(args, FreshTestDir(), std::chrono::seconds(20));
  EXPECT_TRUE(run.finished)
      << absl::StrJoin(args, " ") << ": still running after 20 s";
  return run;
}

// The flags a help text lists, one "  --NAME=DEFAULT" line each, in order.
std::vector<std::string> FlagsListed(const std::string& help) {
  std::vector<std::string> names;
  for (absl::string_view line : absl::StrSplit(help, '\n')) {
    if (!absl::ConsumePrefix(&line, "  --")) continue;
    const size_t equals = line.find('=');
    if (equals != absl::string_view::npos) {
      names.emplace_back(line.substr(0, equals));
    }
  }
  return names;
}

TEST(GogocacheHelpTest, DemoHelpSaysWhatDemoDoesAndListsOnlyItsFlags) {
  const Outcome run = RunToEnd({"demo", "--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_THAT(run.out, StartsWith("Usage: gogocache demo [--flags]\n"));
  EXPECT_THAT(run.out, HasSubstr("slow source"));
  // With each flag's default.
  EXPECT_THAT(run.out, HasSubstr("  --zipf=0.99\n"));
  EXPECT_THAT(run.out, HasSubstr("  --threads=4\n"));
  EXPECT_THAT(run.out, HasSubstr("  --duration=5s\n"));
  EXPECT_THAT(run.out, HasSubstr("  --store=\"\"\n"));
  for (const char* other :
       {"--peers_file", "--listen", "--values", "--quiet", "--family",
        "--sizes", "--buckets", "--node_index"}) {
    EXPECT_THAT(run.out, Not(HasSubstr(other)));
  }
  EXPECT_THAT(run.out, Not(HasSubstr("gogocache: gogocache")));
}

TEST(GogocacheHelpTest, StoreCommandsHelpNamesNoDemoFlag) {
  const std::vector<std::string> demo_flags =
      FlagsListed(RunToEnd({"demo", "--help"}).out);
  ASSERT_THAT(demo_flags, Not(IsEmpty()));
  for (const char* command : {"inspect", "verify", "compact", "convert"}) {
    SCOPED_TRACE(command);
    const Outcome run = RunToEnd({command, "--help"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_THAT(run.out, StartsWith(absl::StrCat("Usage: gogocache ", command,
                                                 " [--flags] ")));
    EXPECT_THAT(run.out, HasSubstr("SPEC is file:PATH"));
    EXPECT_THAT(FlagsListed(run.out), ElementsAre("quiet"));
    for (const std::string& flag : demo_flags) {
      EXPECT_THAT(run.out, Not(HasSubstr("--" + flag)));
    }
  }
  EXPECT_THAT(FlagsListed(RunToEnd({"dump", "--help"}).out),
              ElementsAre("values", "quiet"));
}

TEST(GogocacheHelpTest, SubcommandsListTheFlagsTheyRead) {
  EXPECT_THAT(FlagsListed(RunToEnd({"hash", "--help"}).out),
              UnorderedElementsAre("shards", "buckets"));
  EXPECT_THAT(
      FlagsListed(RunToEnd({"get", "--help"}).out),
      UnorderedElementsAre("peers", "peers_file", "group", "peer_timeout",
                           "tls_ca", "tls_cert", "tls_key"));
  EXPECT_THAT(
      FlagsListed(RunToEnd({"simulate", "--help"}).out),
      UnorderedElementsAre("format", "sizes", "sweep", "points", "plot"));
  EXPECT_THAT(FlagsListed(RunToEnd({"trace", "--help"}).out),
              UnorderedElementsAre("family", "scale", "list"));
  const std::vector<std::string> serve =
      FlagsListed(RunToEnd({"serve", "--help"}).out);
  EXPECT_THAT(std::vector<std::string>({"listen", "peers", "peers_file",
                                        "port_file", "stats_interval"}),
              IsSubsetOf(serve));
  for (const char* demo_only :
       {"zipf", "threads", "keys", "duration", "nodes", "report"}) {
    EXPECT_THAT(serve, Not(Contains(std::string(demo_only))));
  }
}

TEST(GogocacheHelpTest, EverySubcommandHasItsOwnHelpThreeWays) {
  std::vector<std::string> helps;
  for (const std::string& command : AllSubcommands()) {
    SCOPED_TRACE(command);
    const Outcome run = RunToEnd({command, "--help"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    EXPECT_THAT(run.out, StartsWith("Usage: gogocache " + command));
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{
             {command, "-h"}, {command, "-help"}, {"help", command}}) {
      const Outcome same = RunToEnd(args);
      EXPECT_EQ(same.exit_code, 0) << absl::StrJoin(args, " ");
      EXPECT_EQ(same.out, run.out) << absl::StrJoin(args, " ");
    }
    for (const std::string& other : helps) EXPECT_NE(run.out, other);
    helps.push_back(run.out);
  }
}

TEST(GogocacheHelpTest, HelpWinsOverMissingArgumentsAndBadFlags) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"convert", "--help"},
           {"simulate", "--sizes=0", "--help"},
           {"demo", "--no_such_flag", "--help"},
           {"get", "k1", "k2", "--help"},
       }) {
    SCOPED_TRACE(absl::StrJoin(args, " "));
    const Outcome run = RunToEnd(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_THAT(run.out, StartsWith("Usage: gogocache " + args[0]));
  }
  // After "--", --help is an argument.
  EXPECT_EQ(RunToEnd({"demo", "--", "--help"}).exit_code, 2);
}

TEST(GogocacheHelpTest, ProgramHelpListsTheSubcommandsAndNoFlags) {
  const Outcome run = RunToEnd({"--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_THAT(run.out, StartsWith("Usage: gogocache SUBCOMMAND"));
  for (const std::string& command : AllSubcommands()) {
    if (command == "cluster_node") {  // Run by the demo, not by people.
      EXPECT_THAT(run.out, Not(HasSubstr(command)));
    } else {
      EXPECT_THAT(run.out, HasSubstr("\n  " + command + " "));
    }
  }
  EXPECT_THAT(FlagsListed(run.out), IsEmpty());
  EXPECT_THAT(run.out, Not(HasSubstr("--zipf")));
  for (const char* same : {"-h", "-help", "help"}) {
    const Outcome again = RunToEnd({same});
    EXPECT_EQ(again.exit_code, 0) << same;
    EXPECT_EQ(again.out, run.out) << same;
  }
  // With no subcommand at all, the list is the error.
  const Outcome none = RunToEnd({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(none.out, "");
  EXPECT_EQ(none.err, run.out);
}

TEST(GogocacheHelpTest, HelpForAnUnknownSubcommandIsAnError) {
  const Outcome run = RunToEnd({"bogus", "--help"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr("unknown subcommand \"bogus\""));
  EXPECT_EQ(RunToEnd({"help", "bogus"}).exit_code, 2);
  EXPECT_EQ(RunToEnd({"help", "demo", "serve"}).exit_code, 2);
}

// Abseil's own listing of the flags the program defines (--helpon=FILE)
// against the subcommands' help: a flag no subcommand lists is one no
// --help tells about.
TEST(GogocacheHelpTest, EveryFlagIsListedBySomeSubcommand) {
  const Outcome abseil = RunToEnd({"demo", "--helpon=gogocache_main"});
  std::vector<std::string> defined;
  for (absl::string_view line : absl::StrSplit(abseil.out, '\n')) {
    if (!absl::ConsumePrefix(&line, "    --")) continue;
    defined.emplace_back(line.substr(0, line.find(' ')));
  }
  ASSERT_GE(defined.size(), 30u) << abseil.out << abseil.err;
  std::vector<std::string> listed;
  for (const std::string& command : AllSubcommands()) {
    for (std::string& flag : FlagsListed(RunToEnd({command, "--help"}).out)) {
      listed.push_back(std::move(flag));
    }
  }
  EXPECT_THAT(defined, IsSubsetOf(listed));
}

}  // namespace
}  // namespace gogocache
