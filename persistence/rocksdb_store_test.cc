// Copyright 2026 The gogocache Authors.
//
// What is particular to the RocksDB backend; the shared contract is in
// open_test.cc.
//
// Usage: rocksdb_store_test PATH_OF_ROCKSDB_FILL_WRITER [gtest flags]

#include "persistence/rocksdb_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/test_util.h"
#include "rocksdb/db.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::WriteFileOrDie;

std::string g_fill_writer;  // From argv: the rocksdb_fill_writer binary.

// What is in directory `dir`, recursively: each entry's relative path, with
// its kind, size, modification time and, for a regular file, its bytes.
std::map<std::string, std::string> Snapshot(const std::string& dir,
                                            const std::string& prefix = "") {
  std::map<std::string, std::string> entries;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return entries;
  while (const dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    std::string& described = entries[prefix + name];
    described = absl::StrCat(st.st_mode, " ", st.st_size, " ",
                             st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec);
    if (S_ISREG(st.st_mode)) {
      absl::StrAppend(&described, " ", testing::ReadFileOrDie(path));
    } else if (S_ISDIR(st.st_mode)) {
      entries.merge(Snapshot(path, prefix + name + "/"));
    }
  }
  closedir(handle);
  return entries;
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// Opens `path` for writing, read-only and without creating: each must be
// FailedPrecondition naming the path.
void ExpectEveryOpenRefusedNaming(const std::string& path) {
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  RocksDbStoreOptions no_create;
  no_create.create_if_missing = false;
  for (const RocksDbStoreOptions& options :
       {RocksDbStoreOptions(), read_only, no_create}) {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(path), absl::string_view::npos)
        << store.status();
  }
}

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

TEST(RocksDbStoreTest, AnotherProgramsDatabaseIsDataLossNotData) {
  const std::string path = FreshTestDir() + "/db";
  {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "k", "v").ok());
    delete db;
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  const absl::Status status =
      (*store)->Replay([](absl::string_view, absl::string_view) {
        ADD_FAILURE() << "served a value that is not gogocache's";
      });
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
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

TEST(RocksDbStoreTest, OptionsOutOfRangeAreInvalidArgumentNamingTheOption) {
  const std::string path = FreshTestDir() + "/db";
  struct Bad {
    Durability durability;
    absl::Duration sync_interval;
    const char* option;
  };
  const Bad cases[] = {
      {Durability::kPeriodic, absl::ZeroDuration(), "sync_interval"},
      {Durability::kPeriodic, -absl::Milliseconds(1), "sync_interval"},
      {Durability::kPeriodic, absl::Microseconds(999), "sync_interval"},
      {Durability::kPeriodic, absl::Hours(1) + absl::Nanoseconds(1),
       "sync_interval"},
      // Would overflow a std::chrono wait.
      {Durability::kPeriodic, absl::Milliseconds(10000000000000),
       "sync_interval"},
      {Durability::kPeriodic, absl::InfiniteDuration(), "sync_interval"},
      // Checked whatever the durability.
      {Durability::kNone, absl::Milliseconds(10000000000000), "sync_interval"},
      {Durability::kAlways, absl::ZeroDuration(), "sync_interval"},
      {static_cast<Durability>(42), absl::Milliseconds(100), "durability"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(absl::StrCat(static_cast<int>(bad.durability), " ",
                              absl::FormatDuration(bad.sync_interval)));
    RocksDbStoreOptions options;
    options.durability = bad.durability;
    options.sync_interval = bad.sync_interval;
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(bad.option),
              absl::string_view::npos)
        << store.status();
    EXPECT_NE(store.status().message().find(path), absl::string_view::npos)
        << store.status();
    EXPECT_FALSE(Exists(path));
  }
  // The ends of the range are accepted; an hour's wait ends at Close().
  for (absl::Duration interval : {absl::Milliseconds(1), absl::Hours(1)}) {
    RocksDbStoreOptions options;
    options.durability = Durability::kPeriodic;
    options.sync_interval = interval;
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
    EXPECT_TRUE((*store)->Close().ok());
  }
}

TEST(RocksDbStoreTest, DirectoryOfOtherFilesIsRefusedAndLeftAsItIs) {
  const std::string path = FreshTestDir() + "/db";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  WriteFileOrDie(path + "/notes.txt", "mine");
  // Named as RocksDB names its files: still the user's, without a CURRENT.
  WriteFileOrDie(path + "/000001.log", "also mine");
  WriteFileOrDie(path + "/LOG", "and this");
  ASSERT_EQ(mkdir((path + "/sub").c_str(), 0755), 0);
  const std::map<std::string, std::string> before = Snapshot(path);
  // Twice each: a refused open leaves nothing that changes the next one.
  for (int round = 0; round < 2; ++round) {
    ExpectEveryOpenRefusedNaming(path);
    EXPECT_EQ(Snapshot(path), before);
  }
}

TEST(RocksDbStoreTest, WhatAnInterruptedCreationLeavesIsNoObstacle) {
  const std::string path = FreshTestDir() + "/db";
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  WriteFileOrDie(path + "/LOCK", "");
  WriteFileOrDie(path + "/IDENTITY", "0123");
  WriteFileOrDie(path + "/000001.dbtmp", "");
  RocksDbStoreOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_TRUE(absl::IsNotFound(RocksDbStore::Open(path, no_create).status()));
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
  }
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path, no_create);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "v"}}));
}

TEST(RocksDbStoreTest, PathThatIsNoDirectoryIsRefusedAtOnce) {
  const std::string dir = FreshTestDir();
  const std::string file = dir + "/file";
  WriteFileOrDie(file, "not a database");
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  const std::map<std::string, std::string> before = Snapshot(dir);
  // A FIFO with no writer would block an open(2) of it for reading.
  for (const std::string& path : {file, fifo}) {
    ExpectEveryOpenRefusedNaming(path);
  }
  EXPECT_EQ(Snapshot(dir), before);
}

TEST(RocksDbStoreTest, MissingStoreIsNotFoundWithoutCreateIfMissing) {
  const std::string dir = FreshTestDir();
  const std::string path = dir + "/db";
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  RocksDbStoreOptions no_create;
  no_create.create_if_missing = false;
  for (const RocksDbStoreOptions& options : {read_only, no_create}) {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, options);
    EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(path), absl::string_view::npos)
        << store.status();
    EXPECT_TRUE(Snapshot(dir).empty());
  }
  // An empty directory holds no store either, and stays empty.
  ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  for (const RocksDbStoreOptions& options : {read_only, no_create}) {
    EXPECT_TRUE(absl::IsNotFound(RocksDbStore::Open(path, options).status()));
    EXPECT_TRUE(Snapshot(path).empty());
  }
}

TEST(RocksDbStoreTest, ReadOnlyOpenChangesNothing) {
  const std::string dir = FreshTestDir();
  const std::string path = dir + "/db";
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
  }
  const std::map<std::string, std::string> before = Snapshot(dir);
  EXPECT_FALSE(before.count("db/LOG")) << "an info log on the store's disk";
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  {
    absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
        RocksDbStore::Open(path, read_only);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "v"}}));
    EXPECT_EQ((*store)->GetStats().entries, 1u);
    absl::StatusOr<StoreCheck> check = (*store)->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->clean());
    EXPECT_EQ(check->entries, 1u);
    EXPECT_TRUE(absl::IsFailedPrecondition((*store)->Put("k", "w")));
    EXPECT_TRUE(absl::IsFailedPrecondition((*store)->Compact()));
    EXPECT_TRUE((*store)->Sync().ok());
    EXPECT_TRUE((*store)->Close().ok());
  }
  EXPECT_EQ(Snapshot(dir), before);
}

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

// RocksDB stops at the first damage it reads: Verify() is DataLoss naming
// the store, and the files are left as they are.
TEST(RocksDbStoreTest, VerifyOfADamagedTableIsDataLoss) {
  const std::string path = FreshTestDir() + "/db";
  absl::StatusOr<std::unique_ptr<RocksDbStore>> writer =
      RocksDbStore::Open(path);
  ASSERT_TRUE(writer.ok()) << writer.status();
  int keys = 0;
  while (keys < 1000) {
    ASSERT_TRUE((*writer)->Put(absl::StrCat("key", keys++), "value").ok());
  }
  ASSERT_TRUE((*writer)->Compact().ok());  // Into a table file.
  absl::StatusOr<StoreCheck> check = (*writer)->Verify();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->clean());
  EXPECT_EQ(check->entries, 1000u);
  ASSERT_TRUE((*writer)->Close().ok());
  std::string table;
  for (const auto& [name, described] : Snapshot(path)) {
    if (absl::EndsWith(name, ".sst")) table = path + "/" + name;
  }
  ASSERT_FALSE(table.empty());
  std::string bytes = testing::ReadFileOrDie(table);
  bytes[bytes.size() / 3] ^= 0x20;  // In a data block.
  WriteFileOrDie(table, bytes);
  RocksDbStoreOptions read_only;
  read_only.read_only = true;
  absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
      RocksDbStore::Open(path, read_only);
  ASSERT_TRUE(store.ok()) << store.status();
  const absl::Status status = (*store)->Verify().status();
  EXPECT_TRUE(absl::IsDataLoss(status)) << status;
  EXPECT_NE(status.message().find(path), absl::string_view::npos) << status;
  EXPECT_EQ(testing::ReadFileOrDie(table), bytes);
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

// Replay reads keys first and values a chunk at a time: across chunks the
// order is still the order of the writes (not the keys'), and writes running
// meanwhile neither tear a value nor add or drop an earlier key.
TEST(RocksDbStoreTest, ReplayInWriteOrderAcrossChunksWhileWritesRun) {
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
