// Copyright 2026 The gogocache Authors.
//
// Kill-and-recover: a child process (crash_writer) writes to a store and
// reports each acknowledged operation; this test kills it with SIGKILL at a
// random moment, reopens the store and checks it holds exactly the state after
// the last acknowledged operation (or after the one in flight, which may have
// landed without being acknowledged), with nothing damaged. Twenty kills or
// more per backend and durability policy; the flat file compacts often
// meanwhile, so kills land in compactions too. GOGOCACHE_CRASH_SEED replays a
// seed.
//
// A SIGKILL loses no write the OS has, so "none" is held to the same check as
// "always" here; what "always" adds (surviving a machine crash) cannot be
// shown without cutting the power.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "persistence/open.h"
#include "persistence/test_util.h"
#include "tests/crash_workload.h"

namespace gogocache {
namespace {

namespace workload = crash_workload;
using State = std::map<std::string, std::string>;

std::string g_writer_path;  // From argv: the crash_writer binary.

void Apply(uint64_t op, State* state) {
  if (workload::IsDelete(op)) {
    state->erase(workload::KeyOf(op));
  } else {
    (*state)[workload::KeyOf(op)] = workload::ValueOf(op);
  }
}

// Runs the writer from `first` on for about `run_for`, kills it, and returns
// the operations it acknowledged (in order).
std::vector<uint64_t> RunAndKill(const std::string& spec, uint64_t first,
                                 std::chrono::milliseconds run_for) {
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  const std::string first_arg = absl::StrCat(first);
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execl(g_writer_path.c_str(), g_writer_path.c_str(), spec.c_str(),
          first_arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[1]);
  // The clock starts at the first acknowledgement, so that a slow start
  // (sanitizers, RocksDB's recovery) does not eat the writing time.
  std::atomic<bool> writing{false};
  std::thread killer([child, run_for, &writing] {
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!writing.load() && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(run_for);
    kill(child, SIGKILL);
  });
  std::string output;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
    writing.store(true);
  }
  writing.store(true);
  close(pipe_fds[0]);
  killer.join();
  int wait_status = 0;
  EXPECT_EQ(waitpid(child, &wait_status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL)
      << "the writer ended on its own (status " << wait_status << ")";
  std::vector<uint64_t> acked;
  // Only whole lines: the last may have been cut by the kill.
  const size_t whole = output.rfind('\n');
  if (whole == std::string::npos) return acked;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(output).substr(0, whole), '\n')) {
    uint64_t op;
    EXPECT_TRUE(absl::SimpleAtoi(line, &op)) << line;
    acked.push_back(op);
  }
  return acked;
}

void KillAndRecover(const std::string& scheme, const std::string& policy) {
  const std::string dir = testing::FreshTestDir();
  const std::string spec =
      scheme == "file"
          ? absl::StrCat("file:", dir, "/crash.log?durability=", policy,
                         "&compact_min_bytes=65536&compact_ratio=0.3")
          : absl::StrCat("rocksdb:", dir, "/crash.db?durability=", policy);
  uint64_t seed = std::random_device()();
  if (const char* env = getenv("GOGOCACHE_CRASH_SEED")) {
    ASSERT_TRUE(absl::SimpleAtoi(env, &seed));
  }
  SCOPED_TRACE(absl::StrCat(spec, " seed ", seed));
  std::mt19937_64 random(seed);
  State state;  // After every operation that surely landed.
  uint64_t next = 0;
  uint64_t total_acked = 0;
  // At least 20 kills, and more (up to 100) while the writes so far have not
  // gone round the key space twice: a slow machine or a sanitizer build
  // writes less per run.
  for (int cycle = 0;
       cycle < 20 || (total_acked <= 2 * workload::kKeys && cycle < 100);
       ++cycle) {
    SCOPED_TRACE(absl::StrCat("cycle ", cycle));
    const auto run_for = std::chrono::milliseconds(
        std::uniform_int_distribution<int>(10, 120)(random));
    const std::vector<uint64_t> acked = RunAndKill(spec, next, run_for);
    for (uint64_t op : acked) {
      ASSERT_EQ(op, next) << "acknowledged out of order";
      Apply(op, &state);
      ++next;
    }
    total_acked += acked.size();
    // The operation in flight may or may not have landed.
    State with_in_flight = state;
    Apply(next, &with_in_flight);

    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec);
    ASSERT_TRUE(store.ok()) << store.status();
    State recovered;
    ASSERT_TRUE(
        (*store)
            ->Replay([&](absl::string_view key, absl::string_view value) {
              recovered[std::string(key)] = std::string(value);
            })
            .ok());
    const absl::StatusOr<StoreCheck> check = (*store)->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->clean()) << check->damage;
    if (recovered == with_in_flight && recovered != state) {
      state = with_in_flight;
      ++next;
    } else {
      ASSERT_EQ(recovered.size(), state.size());
      for (const auto& [key, value] : state) {
        auto it = recovered.find(key);
        ASSERT_TRUE(it != recovered.end()) << "acknowledged " << key << " lost";
        ASSERT_EQ(it->second, value) << key;
      }
      ASSERT_TRUE(recovered == state);
    }
  }
  // The runs did real work: more than the key space, so the flat file
  // compacted along the way.
  EXPECT_GT(total_acked, 2 * workload::kKeys) << "too few writes to mean much";
}

TEST(CrashTest, FlatFileAlways) { KillAndRecover("file", "always"); }
TEST(CrashTest, FlatFileNone) { KillAndRecover("file", "none"); }
TEST(CrashTest, RocksDbAlways) { KillAndRecover("rocksdb", "always"); }
TEST(CrashTest, RocksDbNone) { KillAndRecover("rocksdb", "none"); }

}  // namespace
}  // namespace gogocache

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    fprintf(stderr, "usage: crash_test PATH_OF_CRASH_WRITER\n");
    return 2;
  }
  gogocache::g_writer_path = argv[1];
  return RUN_ALL_TESTS();
}
