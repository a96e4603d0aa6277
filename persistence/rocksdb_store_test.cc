// Copyright 2026 The gogocache Authors.
//
// What is particular to the RocksDB backend's writes: their order through
// reopens and replays (of large values, across chunks and the sort's runs,
// with writes running), the count of entries, and a file-size limit refusing
// a write (in a child process, rocksdb_fill_writer). What Open makes of the
// path it is given is in rocksdb_open_test.cc; the shared contract is in
// open_test.cc.
//
// Usage: rocksdb_store_test PATH_OF_ROCKSDB_FILL_WRITER [gtest flags]

#include "persistence/rocksdb_store.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/rocksdb_internal.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ListTree;
using ::gogocache::testing::ReplayAll;

std::string g_fill_writer;  // From argv: the rocksdb_fill_writer binary.

// Replay's sort gathers keys of this many bytes at most before writing
// them as a run, while an instance lives.
class ScopedReplayRunBytes {
 public:
  explicit ScopedReplayRunBytes(size_t bytes)
      : old_(rocksdb_internal::replay_run_bytes.exchange(bytes)) {}
  ~ScopedReplayRunBytes() { rocksdb_internal::replay_run_bytes = old_; }

 private:
  const size_t old_;
};

TEST(RocksDbStoreTest, WriteOrderSurvivesManyReopens) {
  const std::string path = FreshTestDir() + "/db";
  Entries expected;
  for (int round = 0; round < 5; ++round) {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_EQ(ReplayAll(**store), expected);
    // Key order is the reverse of write order, to tell them apart.
    const std::string key = absl::StrCat("key", 9 - round);
    ASSERT_TRUE((*store)->Put(key, absl::StrCat(round)).ok());
    expected.emplace_back(key, absl::StrCat(round));
  }
}

// Runs rocksdb_fill_writer with `args`. Its output comes back through a pipe,
// not a file: the file-size limit it sets applies to writes to files.
// Returns the wait status; `output` gets what it printed.
int RunFillWriter(const std::vector<std::string>& args, std::string* output) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  std::vector<std::string> arguments = {g_fill_writer};
  arguments.insert(arguments.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t child = -1;
  const int spawned = posix_spawn(&child, g_fill_writer.c_str(), &actions,
                                  nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (spawned != 0) {
    close(pipe_fds[0]);
    *output = absl::StrCat("posix_spawn: ", std::strerror(spawned));
    return -1;
  }
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output->append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int wait_status = 0;
  if (waitpid(child, &wait_status, 0) != child) return -1;
  return wait_status;
}

struct FillCase {
  const char* name;
  const char* mode;        // put or compact
  const char* durability;  // none, periodic or always
  const char* limit;       // RLIMIT_FSIZE in bytes
  const char* signal;      // SIGXFSZ: default or ignored
};

void PrintTo(const FillCase& c, std::ostream* out) { *out << c.name; }

class FileSizeLimitTest : public ::testing::TestWithParam<FillCase> {};

// A file-size limit refuses a write. The child process checks the refusal is
// ResourceExhausted and that every acknowledged write is there after reopening
// (rocksdb_fill_writer.cc); here, that it ran to its end without dying.
TEST_P(FileSizeLimitTest, RefusedWriteIsAStatusAndLosesNothing) {
  const FillCase& c = GetParam();
  const std::string dir = FreshTestDir();
  std::string output;
  const int status = RunFillWriter(
      {dir + "/db", c.mode, c.durability, c.limit, "0", c.signal}, &output);
  ASSERT_NE(status, -1) << output;
  EXPECT_FALSE(WIFSIGNALED(status))
      << "killed by signal " << WTERMSIG(status) << " ("
      << strsignal(WTERMSIG(status)) << ")\n"
      << output;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "exit status " << WEXITSTATUS(status) << "\n"
      << output;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FileSizeLimitTest,
    ::testing::Values(
        // SIGXFSZ at its default action: the writes of the leader's thread
        // (the WAL), of the periodic sync thread, and of RocksDB's
        // background flush (under Compact) must not raise it.
        FillCase{"PutDefaultSignalNone", "put", "none", "262144", "default"},
        FillCase{"PutDefaultSignalPeriodic", "put", "periodic", "262144",
                 "default"},
        FillCase{"PutDefaultSignalAlways", "put", "always", "262144",
                 "default"},
        FillCase{"CompactDefaultSignalNone", "compact", "none", "262144",
                 "default"},
        FillCase{"CompactDefaultSignalAlways", "compact", "always", "262144",
                 "default"},
        FillCase{"PutIgnoredSignal", "put", "always", "262144", "ignored"},
        // A limit below what RocksDB's own info log would write: a failed
        // write to a log file aborts inside the library.
        FillCase{"LimitBelowTheInfoLogIgnoredSignal", "put", "none", "300",
                 "ignored"},
        FillCase{"LimitBelowTheInfoLogDefaultSignal", "put", "none", "300",
                 "default"}),
    [](const ::testing::TestParamInfo<FillCase>& info) {
      return std::string(info.param.name);
    });

TEST(RocksDbStoreTest, EntriesIsExactFromAReplayOrVerifyUntilAWrite) {
  const std::string path = FreshTestDir() + "/db";
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 5000; ++i) {
      ASSERT_TRUE((*store)->Put(absl::StrCat("key", i), "v").ok());
    }
    // Some in files, the rest in the memtable.
    ASSERT_TRUE((*store)->Compact().ok());
    for (int i = 0; i < 5000; i += 2) {
      ASSERT_TRUE((*store)->Put(absl::StrCat("key", i), "again").ok());
    }
    for (int i = 0; i < 5000; i += 5) {
      ASSERT_TRUE((*store)->Delete(absl::StrCat("key", i)).ok());
    }
    ASSERT_TRUE((*store)->Delete("absent").ok());
    ASSERT_EQ(ReplayAll(**store).size(), 4000u);
    EXPECT_EQ((*store)->GetStats().entries, 4000u);
    ASSERT_TRUE((*store)->Compact().ok());  // Changes no key.
    EXPECT_EQ((*store)->GetStats().entries, 4000u);
    ASSERT_TRUE((*store)->Put("key0", "v").ok());
    absl::StatusOr<StoreCheck> check = (*store)->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_EQ(check->entries, 4001u);
    EXPECT_EQ((*store)->GetStats().entries, 4001u);
  }
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(ReplayAll(**store).size(), 4001u);
  EXPECT_EQ((*store)->GetStats().entries, 4001u);
}

// Large values end a replay's chunk by bytes rather than by count; their
// order is still the order of the writes.
TEST(RocksDbStoreTest, ReplayOfLargeValuesInWriteOrder) {
  const std::string path = FreshTestDir() + "/db";
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  Entries written;
  for (int i = 0; i < 20; ++i) {
    written.emplace_back(
        absl::StrCat("big", (i * 7) % 20),
        std::string(size_t{1} << 20, static_cast<char>('a' + i)));
    ASSERT_TRUE(
        (*store)->Put(written.back().first, written.back().second).ok());
  }
  EXPECT_EQ(ReplayAll(**store), written);
}

// Replay sorts keys first and reads values a chunk at a time: across chunks the
// order is still the order of the writes (not the keys'), and writes running
// meanwhile neither tear a value nor add or drop an earlier key.
TEST(RocksDbStoreTest, ReplayInWriteOrderAcrossChunksWhileWritesRun) {
  // Many sort runs, written while the writes wait.
  const ScopedReplayRunBytes small_runs(4 << 10);
  const std::string path = FreshTestDir() + "/db";
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  // Keys written in an order unlike their sort order, some in files.
  std::vector<std::string> written;
  for (int i = 0; i < 3000; ++i) {
    written.push_back(absl::StrCat("k", (i * 7919) % 3000));
    ASSERT_TRUE((*store)->Put(written.back(), absl::StrCat("v", i)).ok());
    if (i == 1500) ASSERT_TRUE((*store)->Compact().ok());
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      ASSERT_TRUE(
          (*store)
              ->Put(absl::StrCat("late", i % 500), std::string(100, 'x'))
              .ok());
    }
  });
  const Entries replayed = ReplayAll(**store);
  stop = true;
  writer.join();
  std::vector<std::string> early;
  for (const auto& [key, value] : replayed) {
    if (key.rfind("late", 0) == 0) {
      EXPECT_EQ(value, std::string(100, 'x'));
    } else {
      early.push_back(key);
    }
  }
  EXPECT_EQ(early, written);
  for (size_t i = 0; i + 1 < replayed.size() && i < written.size(); ++i) {
    EXPECT_EQ(replayed[i].second, absl::StrCat("v", i));
  }
}

// With a sort buffer of 4 KiB, a store of a few thousand keys is sorted in
// many runs through a temporary file: the replay is still each live key
// once, with its latest value, oldest write first, as a model of the writes
// has it, and nothing is left in the store's directory.
TEST(RocksDbStoreTest, ReplayAcrossManySortRunsMatchesAModel) {
  const ScopedReplayRunBytes small_runs(4 << 10);
  const std::string path = FreshTestDir() + "/db";
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  // Key -> (index of its last write, value).
  std::map<std::string, std::pair<int, std::string>> model;
  for (int i = 0; i < 30000; ++i) {
    const std::string key = absl::StrCat("key", (i * 7919) % 12000);
    if (i % 11 == 0) {
      ASSERT_TRUE((*store)->Delete(key).ok());
      model.erase(key);
    } else {
      const std::string value = absl::StrCat("v", i, std::string(i % 50, 'x'));
      ASSERT_TRUE((*store)->Put(key, value).ok());
      model[key] = {i, value};
    }
    if (i == 20000) {
      ASSERT_TRUE((*store)->Compact().ok());
    }
  }
  std::vector<std::pair<int, std::string>> order;
  for (const auto& [key, written] : model)
    order.emplace_back(written.first, key);
  std::sort(order.begin(), order.end());
  Entries expected;
  for (const auto& [index, key] : order) {
    expected.emplace_back(key, model[key].second);
  }
  ASSERT_GT(expected.size(), 5000u);
  const std::vector<std::string> files = ListTree(path);
  EXPECT_EQ(ReplayAll(**store), expected);
  EXPECT_EQ(ListTree(path), files);
  EXPECT_EQ((*store)->GetStats().entries, expected.size());
  // And after a reopen, read-only.
  ASSERT_TRUE((*store)->Close().ok());
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  store = RocksDbStore::Open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayAll(**store), expected);
  EXPECT_EQ(ListTree(path), files);
}

}  // namespace
}  // namespace gogocache

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    fprintf(stderr, "usage: rocksdb_store_test PATH_OF_ROCKSDB_FILL_WRITER\n");
    return 2;
  }
  gogocache::g_fill_writer = argv[1];
  return RUN_ALL_TESTS();
}
