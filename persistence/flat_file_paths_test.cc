// Copyright 2026 The gogocache Authors.
//
// The flat-file store's promises about where it writes: one writer per file
// whatever name reaches it, nothing created by a reader, paths that are not
// regular files refused at once, a compaction that cannot run reported, a
// file-size limit that fails a write instead of killing the process, and
// options out of range refused.

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/flat_file_store.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ListTree;
using ::gogocache::testing::ReplayAll;
using Names = std::vector<std::string>;

class FlatFilePathsTest : public ::testing::Test {
 protected:
  const std::string dir_ = FreshTestDir();
  const std::string path_ = dir_ + "/cache.log";
};

TEST_F(FlatFilePathsTest, OneWriterWhateverNameReachesTheFile) {
  auto store = FlatFileStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put("k", "v").ok());
  ASSERT_EQ(symlink(path_.c_str(), (dir_ + "/symlink").c_str()), 0);
  ASSERT_EQ(link(path_.c_str(), (dir_ + "/hardlink").c_str()), 0);
  for (const std::string name : {"/cache.log", "/symlink", "/hardlink"}) {
    auto second = FlatFileStore::Open(dir_ + name);
    EXPECT_TRUE(absl::IsFailedPrecondition(second.status()))
        << name << ": " << second.status();
    FlatFileStoreOptions read_only;
    read_only.read_only = true;
    auto reader = FlatFileStore::Open(dir_ + name, read_only);
    EXPECT_TRUE(absl::IsFailedPrecondition(reader.status())) << name;
  }
  ASSERT_TRUE((*store)->Close().ok());
  // Not open any more, a log with two names is still refused for writing:
  // compaction would part them.
  auto linked = FlatFileStore::Open(dir_ + "/hardlink");
  EXPECT_TRUE(absl::IsFailedPrecondition(linked.status())) << linked.status();
  EXPECT_NE(linked.status().message().find("hard links"),
            absl::string_view::npos);
  EXPECT_EQ(ListTree(dir_), (Names{"cache.log", "hardlink", "symlink"}));
}

TEST_F(FlatFilePathsTest, CompactionThroughASymlinkReplacesTheFileItLeadsTo) {
  const std::string link_path = dir_ + "/link.log";
  ASSERT_EQ(symlink(path_.c_str(), link_path.c_str()), 0);
  {
    auto store = FlatFileStore::Open(link_path);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 100; ++i) {
      ASSERT_TRUE((*store)->Put("k", absl::StrCat("v", i)).ok());
    }
    ASSERT_TRUE((*store)->Compact().ok());
    EXPECT_EQ((*store)->GetStats().compactions, 1u);
  }
  struct stat st;
  ASSERT_EQ(lstat(link_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  auto store = FlatFileStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "v99"}}));
}

TEST_F(FlatFilePathsTest, OpenersAreRefusedWhileCompactionsReplaceTheFile) {
  auto store = FlatFileStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Put("k", "v").ok());
  std::atomic<bool> done{false};
  std::thread compactor([&] {
    while (!done) ASSERT_TRUE((*store)->Compact().ok());
  });
  for (int i = 0; i < 300; ++i) {
    auto second = FlatFileStore::Open(path_);
    ASSERT_FALSE(second.ok()) << "a second writer got in at attempt " << i;
  }
  done = true;
  compactor.join();
}

TEST_F(FlatFilePathsTest, PathsThatAreNotRegularFilesAreRefusedAtOnce) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  struct stat st;
  // A lock file beside /dev/null is what opening it used to leave.
  const bool had_lock_file = stat("/dev/null.lock", &st) == 0;
  for (const bool read_only : {false, true}) {
    FlatFileStoreOptions options;
    options.read_only = read_only;
    auto store = FlatFileStore::Open(fifo, options);
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
    store = FlatFileStore::Open("/dev/null", options);
    EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  }
  EXPECT_EQ(ListTree(dir_), Names{"fifo"});
  if (!had_lock_file) EXPECT_NE(stat("/dev/null.lock", &st), 0);
}

TEST_F(FlatFilePathsTest, ReadersAndMissingStoresCreateNothing) {
  FlatFileStoreOptions read_only;
  read_only.read_only = true;
  auto store = FlatFileStore::Open(path_, read_only);
  EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
  FlatFileStoreOptions no_create;
  no_create.create_if_missing = false;
  store = FlatFileStore::Open(path_, no_create);
  EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
  EXPECT_TRUE(ListTree(dir_).empty());

  ASSERT_TRUE(FlatFileStore::Open(path_).ok());  // Created, then closed.
  ASSERT_TRUE(FlatFileStore::Open(path_, read_only).ok());
  EXPECT_EQ(ListTree(dir_), Names{"cache.log"});
}

TEST_F(FlatFilePathsTest, OpenIsRefusedWhenCompactionCouldNotRun) {
  // Room for the log's name, not for PATH.compact's.
  const std::string path = dir_ + "/" + std::string(250, 'n');
  auto store = FlatFileStore::Open(path);
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(store.status().message().find("compaction could not run"),
            absl::string_view::npos)
      << store.status();
}

TEST_F(FlatFilePathsTest, WritesPastTheBoundAreRefusedWhileCompactionFails) {
  FlatFileStoreOptions options;
  options.compaction_min_bytes = 64 << 10;
  auto store = FlatFileStore::Open(path_, options);
  ASSERT_TRUE(store.ok()) << store.status();
  // Compaction cannot create its file where a directory is in the way.
  ASSERT_EQ(mkdir((path_ + ".compact").c_str(), 0755), 0);
  const std::string value(1000, 'v');
  absl::Status refused;
  int acknowledged = 0;
  // Up to the bound, plus the records the background thread has yet to
  // index (their replaced bytes still count as live until it has).
  for (int i = 0; i < 60000 && refused.ok(); ++i) {
    refused = (*store)->Put("k", absl::StrCat(i, value));
    if (refused.ok()) acknowledged = i;
  }
  ASSERT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  EXPECT_NE(refused.message().find("compaction"), absl::string_view::npos);
  EXPECT_GT((*store)->GetStats().compaction_errors, 0u);
  EXPECT_EQ(ReplayAll(**store),
            (Entries{{"k", absl::StrCat(acknowledged, value)}}));
  // Once compaction can run again, so do writes.
  ASSERT_EQ(rmdir((path_ + ".compact").c_str()), 0);
  EXPECT_TRUE((*store)->Put("k", "after").ok());
  EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "after"}}));
}

TEST_F(FlatFilePathsTest, OptionsOutOfRangeAreRefused) {
  for (const absl::Duration interval :
       {absl::ZeroDuration(), absl::Microseconds(10),
        absl::Milliseconds(10000000000000), absl::InfiniteDuration()}) {
    FlatFileStoreOptions options;
    options.durability = Durability::kPeriodic;
    options.sync_interval = interval;
    auto store = FlatFileStore::Open(path_, options);
    EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << interval;
    EXPECT_NE(store.status().message().find("sync_interval"),
              absl::string_view::npos);
  }
  FlatFileStoreOptions options;
  options.compaction_min_bytes = uint64_t{1} << 60;
  EXPECT_TRUE(
      absl::IsInvalidArgument(FlatFileStore::Open(path_, options).status()));
  EXPECT_TRUE(ListTree(dir_).empty());
}

// In a child process (the limit and a death by SIGXFSZ are its own), with
// SIGXFSZ at its default disposition: writes past RLIMIT_FSIZE fail with
// ResourceExhausted and lose nothing acknowledged.
TEST_F(FlatFilePathsTest, FileSizeLimitFailsWritesWithoutKillingTheProcess) {
  for (const Durability durability :
       {Durability::kNone, Durability::kPeriodic, Durability::kAlways}) {
    const std::string path =
        absl::StrCat(dir_, "/", DurabilityName(durability), ".log");
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      signal(SIGXFSZ, SIG_DFL);
      struct rlimit limit;
      getrlimit(RLIMIT_FSIZE, &limit);
      limit.rlim_cur = 256 << 10;
      setrlimit(RLIMIT_FSIZE, &limit);
      FlatFileStoreOptions options;
      options.durability = durability;
      auto store = FlatFileStore::Open(path, options);
      if (!store.ok()) _exit(10);
      absl::Status status;
      int written = 0;
      while (status.ok() && written < 100000) {
        status = (*store)->Put(absl::StrCat("key", written), "value");
        if (status.ok()) ++written;
      }
      if (!absl::IsResourceExhausted(status)) _exit(11);
      if (!(*store)->Close().ok()) _exit(12);
      limit.rlim_cur = RLIM_INFINITY;
      setrlimit(RLIMIT_FSIZE, &limit);
      auto reopened = FlatFileStore::Open(path);
      if (!reopened.ok()) _exit(13);
      int replayed = 0;
      if (!(*reopened)
               ->Replay(
                   [&](absl::string_view, absl::string_view) { ++replayed; })
               .ok() ||
          replayed != written) {
        _exit(14);
      }
      _exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_FALSE(WIFSIGNALED(status))
        << DurabilityName(durability) << ": killed by signal "
        << WTERMSIG(status);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << DurabilityName(durability) << ": exit " << WEXITSTATUS(status);
  }
}

}  // namespace
}  // namespace gogocache
