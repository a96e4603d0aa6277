// Copyright 2026 The gogocache Authors.
//
// The Store contract, checked on every backend through OpenStore(): what a
// user relies on when swapping `file:` for `rocksdb:` in a configuration.

#include "persistence/open.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace {

using ::gogocache::testing::Entries;
using ::gogocache::testing::FreshTestDir;
using ::gogocache::testing::ListTree;
using ::gogocache::testing::ReplayAll;
using ::gogocache::testing::WriteFileOrDie;

// OpenStore(spec, options) on another thread. An open that blocks (on a FIFO
// with no writer) fails the test after 10 s, and is then released by opening
// `fifo` for writing.
absl::Status OpenPromptly(const std::string& spec, const StoreOptions& options,
                          const std::string& fifo) {
  std::promise<absl::Status> done;
  std::future<absl::Status> result = done.get_future();
  std::thread opener(
      [&] { done.set_value(OpenStore(spec, options).status()); });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "OpenStore(\"" << spec << "\") blocked for 10 s";
    while (result.wait_for(std::chrono::milliseconds(10)) !=
           std::future_status::ready) {
      const int fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) close(fd);
    }
  }
  opener.join();
  return result.get();
}

constexpr char kChildSpec[] = "GOGOCACHE_CHILD_OPEN_SPEC";
constexpr char kChildExpect[] = "GOGOCACHE_CHILD_EXPECT";
constexpr char kChildAsNobody[] = "GOGOCACHE_CHILD_AS_NOBODY";

// The other process of the tests that open a store from a second process:
// this test binary again (fork, then exec), so that the child starts clean.
// A child that only forked from a parent with RocksDB's threads running can
// block forever on a lock one of them held at the fork (seen under
// ThreadSanitizer). Opens the store named by kChildSpec, as user nobody if
// kChildAsNobody is set and it runs as root, and exits 0 when the open fails
// with the status code named by kChildExpect. Disabled: only a child runs it.
TEST(ChildProcess, DISABLED_OpenStore) {
  const char* spec = std::getenv(kChildSpec);
  const char* expect = std::getenv(kChildExpect);
  if (spec == nullptr || expect == nullptr) GTEST_SKIP() << "a child's part";
  if (std::getenv(kChildAsNobody) != nullptr && geteuid() == 0 &&
      (setgid(65534) != 0 || setuid(65534) != 0)) {
    _exit(2);
  }
  const absl::Status status = OpenStore(spec).status();
  _exit(absl::StatusCodeToString(status.code()) == expect ? 0 : 1);
}

// Runs ChildProcess.DISABLED_OpenStore in a new process on `spec`; returns
// its exit code, or -1 if it did not exit.
int OpenInChild(const std::string& spec, absl::StatusCode expect,
                bool as_nobody) {
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    environment.emplace_back(*variable);
  }
  environment.push_back(absl::StrCat(kChildSpec, "=", spec));
  environment.push_back(
      absl::StrCat(kChildExpect, "=", absl::StatusCodeToString(expect)));
  if (as_nobody) environment.push_back(absl::StrCat(kChildAsNobody, "=1"));
  std::vector<char*> envp;
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);
  std::string binary = "/proc/self/exe";
  std::string filter = "--gtest_filter=ChildProcess.DISABLED_OpenStore";
  std::string also_disabled = "--gtest_also_run_disabled_tests";
  char* argv[] = {binary.data(), filter.data(), also_disabled.data(), nullptr};
  const pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    // Only async-signal-safe calls between fork and exec.
    execve(binary.c_str(), argv, envp.data());
    _exit(127);
  }
  int wait_status = 0;
  if (waitpid(child, &wait_status, 0) != child) return -1;
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Store> OpenOrDie(StoreOptions options = {}) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec_, options);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::string dir_ = FreshTestDir();
  std::string path_ = dir_ + "/store";
  std::string spec_ = absl::StrCat(GetParam(), ":", path_);
};

TEST_P(StoreContractTest, ReplayIsLatestValuesInWriteOrderAcrossReopen) {
  const std::string binary_key("k\0\n\xff", 4);
  const std::string binary_value("a\nb\0c\x80", 6);
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->Put("z", "1").ok());
    ASSERT_TRUE(store->Put("a", "2").ok());
    ASSERT_TRUE(store->Put(binary_key, binary_value).ok());
    ASSERT_TRUE(store->Put("z", "3").ok());
    ASSERT_TRUE(store->Put("m", "").ok());
    ASSERT_TRUE(store->Delete("a").ok());
    ASSERT_TRUE(store->Delete("absent").ok());
    EXPECT_EQ(store->spec(), spec_);
  }
  const Entries expected = {{binary_key, binary_value}, {"z", "3"}, {"m", ""}};
  {
    auto store = OpenOrDie();
    EXPECT_EQ(ReplayAll(*store), expected);
    // Writes after a reopen come after the old ones.
    ASSERT_TRUE(store->Put(binary_key, "again").ok());
  }
  auto store = OpenOrDie();
  EXPECT_EQ(ReplayAll(*store),
            (Entries{{"z", "3"}, {"m", ""}, {binary_key, "again"}}));
}

TEST_P(StoreContractTest, EmptyKeyIsInvalidArgument) {
  auto store = OpenOrDie();
  EXPECT_TRUE(absl::IsInvalidArgument(store->Put("", "v")));
  EXPECT_TRUE(absl::IsInvalidArgument(store->Delete("")));
}

TEST_P(StoreContractTest, SecondOpenIsRefusedUntilClosed) {
  auto first = OpenOrDie();
  ASSERT_TRUE(first->Put("k", "v").ok());
  absl::StatusOr<std::unique_ptr<Store>> second = OpenStore(spec_);
  EXPECT_TRUE(absl::IsFailedPrecondition(second.status())) << second.status();
  EXPECT_NE(second.status().message().find("already open"),
            absl::string_view::npos)
      << second.status();
  EXPECT_EQ(OpenInChild(spec_, absl::StatusCode::kFailedPrecondition,
                        /*as_nobody=*/false),
            0);
  ASSERT_TRUE(first->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(first->Put("k", "v")));
  auto reopened = OpenOrDie();
  EXPECT_EQ(ReplayAll(*reopened), (Entries{{"k", "v"}}));
}

TEST_P(StoreContractTest, NoPermissionIsPermissionDeniedAndLosesNothing) {
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->Put("k", "v").ok());
  }
  ASSERT_EQ(chmod(dir_.c_str(), 0700), 0);
  // Root ignores permissions: try as an unprivileged user, in a child.
  EXPECT_EQ(OpenInChild(spec_, absl::StatusCode::kPermissionDenied,
                        /*as_nobody=*/true),
            0);
  auto store = OpenOrDie();
  EXPECT_EQ(ReplayAll(*store), (Entries{{"k", "v"}}));
}

TEST_P(StoreContractTest, MissingDirectoryIsNotFound) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(absl::StrCat(GetParam(), ":", dir_, "/missing/store"));
  EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
}

TEST_P(StoreContractTest, WrongKindOfPathIsRefusedAndKept) {
  // A file store given a directory, a RocksDB store given a file.
  std::string path = dir_ + "/other";
  if (GetParam() == "file") {
    ASSERT_EQ(mkdir(path.c_str(), 0755), 0);
  } else {
    WriteFileOrDie(path, "not a database");
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(absl::StrCat(GetParam(), ":", path));
  EXPECT_TRUE(absl::IsFailedPrecondition(store.status())) << store.status();
  EXPECT_NE(store.status().message().find(path), absl::string_view::npos);
}

TEST_P(StoreContractTest, ConcurrentWritersUnderEveryPolicy) {
  for (const char* policy : {"none", "periodic", "always"}) {
    SCOPED_TRACE(policy);
    const absl::StatusOr<Durability> durability = ParseDurability(policy);
    ASSERT_TRUE(durability.ok()) << durability.status();
    StoreOptions options;
    options.durability = *durability;
    options.sync_interval = absl::Milliseconds(2);
    {
      auto store = OpenOrDie(options);
      std::vector<std::thread> threads;
      for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
          for (int i = 0; i < 100; ++i) {
            ASSERT_TRUE(
                store
                    ->Put(absl::StrCat(policy, t, ":", i % 40), absl::StrCat(i))
                    .ok());
          }
        });
      }
      for (std::thread& thread : threads) thread.join();
      EXPECT_EQ(store->GetStats().puts, 400u);
      ASSERT_TRUE(store->Sync().ok());
    }
    auto store = OpenOrDie();
    std::map<std::string, std::string> seen;
    for (auto& [key, value] : ReplayAll(*store)) seen[key] = value;
    for (int t = 0; t < 4; ++t) {
      for (int k = 0; k < 40; ++k) {
        EXPECT_EQ(seen[absl::StrCat(policy, t, ":", k)],
                  absl::StrCat(k + (k < 20 ? 80 : 40)));
      }
    }
  }
}

TEST_P(StoreContractTest, CompactKeepsLiveEntries) {
  auto store = OpenOrDie();
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(store->Put(absl::StrCat("k", i), absl::StrCat(round)).ok());
    }
  }
  for (int i = 0; i < 200; i += 2) {
    ASSERT_TRUE(store->Delete(absl::StrCat("k", i)).ok());
  }
  const Entries before = ReplayAll(*store);
  ASSERT_EQ(before.size(), 100u);
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(ReplayAll(*store), before);
  EXPECT_EQ(store->GetStats().compactions, 1u);
}

TEST_P(StoreContractTest, ReadOnlyOpenRefusesWrites) {
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->Put("k", "v").ok());
  }
  StoreOptions options;
  options.read_only = true;
  auto store = OpenOrDie(options);
  EXPECT_EQ(ReplayAll(*store), (Entries{{"k", "v"}}));
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Put("k2", "v")));
}

TEST_P(StoreContractTest, PathWithEscapedCharactersOpensThatPath) {
  const std::string path = dir_ + "/a?b%c&d=e f";
  const std::string spec = FormatStoreSpec(GetParam(), path);
  {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Put("k", "v").ok());
  }
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  StoreOptions options;
  options.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec, options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReplayAll(**store), (Entries{{"k", "v"}}));
}

TEST_P(StoreContractTest, MissingStoreIsNotFoundAndNothingIsCreated) {
  const std::vector<std::string> before = ListTree(dir_);
  StoreOptions no_create;
  no_create.create_if_missing = false;
  StoreOptions read_only;
  read_only.read_only = true;
  for (const StoreOptions* options : {&no_create, &read_only}) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec_, *options);
    EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
    EXPECT_NE(store.status().message().find(path_), absl::string_view::npos)
        << store.status();
    EXPECT_EQ(ListTree(dir_), before);
  }
  if (GetParam() == "rocksdb") {
    // A directory without a database in it is no store either.
    ASSERT_EQ(mkdir(path_.c_str(), 0755), 0);
    const std::vector<std::string> with_directory = ListTree(dir_);
    for (const StoreOptions* options : {&no_create, &read_only}) {
      absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(spec_, *options);
      EXPECT_TRUE(absl::IsNotFound(store.status())) << store.status();
      EXPECT_EQ(ListTree(dir_), with_directory);
    }
  }
  {
    auto store = OpenOrDie();
    ASSERT_TRUE(store->Put("k", "v").ok());
  }
  auto store = OpenOrDie(no_create);
  EXPECT_EQ(ReplayAll(*store), (Entries{{"k", "v"}}));
}

TEST_P(StoreContractTest, FifoSocketOrDeviceIsRefusedAtOnceNamingWhatItIs) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  const std::string socket_path = dir_ + "/socket";
  // bind() takes at most 107 bytes of path: name the test's directory
  // through a descriptor of it.
  const int dir_fd = open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir_fd, 0);
  const std::string short_path =
      absl::StrCat("/proc/self/fd/", dir_fd, "/socket");
  const int socket_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(socket_fd, 0);
  sockaddr_un address = {};
  address.sun_family = AF_UNIX;
  ASSERT_LT(short_path.size(), sizeof(address.sun_path));
  std::memcpy(address.sun_path, short_path.c_str(), short_path.size() + 1);
  ASSERT_EQ(
      bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
      0)
      << std::strerror(errno);
  close(dir_fd);
  const std::string link = dir_ + "/link-to-fifo";
  ASSERT_EQ(symlink(fifo.c_str(), link.c_str()), 0);
  struct stat st;
  const bool had_dev_null_lock = stat("/dev/null.lock", &st) == 0;
  const std::vector<std::string> before = ListTree(dir_);
  StoreOptions read_only;
  read_only.read_only = true;
  StoreOptions no_create;
  no_create.create_if_missing = false;
  const std::pair<std::string, std::string> cases[] = {
      {fifo, "FIFO"},
      {link, "FIFO"},
      {socket_path, "socket"},
      {"/dev/null", "character device"}};
  for (const auto& [path, kind] : cases) {
    for (const StoreOptions& options : {StoreOptions(), read_only, no_create}) {
      const std::string spec = absl::StrCat(GetParam(), ":", path);
      SCOPED_TRACE(spec);
      const absl::Status status = OpenPromptly(spec, options, fifo);
      EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
      EXPECT_NE(status.message().find(path), absl::string_view::npos) << status;
      EXPECT_NE(status.message().find(kind), absl::string_view::npos) << status;
    }
  }
  close(socket_fd);
  EXPECT_EQ(ListTree(dir_), before);
  if (!had_dev_null_lock) {
    EXPECT_NE(stat("/dev/null.lock", &st), 0) << "a lock file under /dev";
  }
}

TEST_P(StoreContractTest, VerifyCountsEveryKeyOpenForWritingOrReading) {
  {
    auto store = OpenOrDie();
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(store->Put(absl::StrCat("k", i % 120), absl::StrCat(i)).ok());
    }
    for (int i = 0; i < 120; i += 3) {
      ASSERT_TRUE(store->Delete(absl::StrCat("k", i)).ok());
    }
    absl::StatusOr<StoreCheck> check = store->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->clean()) << check->damage;
    EXPECT_EQ(check->entries, 80u);
    EXPECT_FALSE(check->details.empty());
    // What was written since is counted too.
    ASSERT_TRUE(store->Put("new", "v").ok());
    check = store->Verify();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_EQ(check->entries, 81u);
  }
  StoreOptions read_only;
  read_only.read_only = true;
  auto store = OpenOrDie(read_only);
  absl::StatusOr<StoreCheck> check = store->Verify();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->clean()) << check->damage;
  EXPECT_EQ(check->entries, 81u);
  ASSERT_TRUE(store->Close().ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(store->Verify().status()));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest,
                         ::testing::Values("file", "rocksdb"));

TEST(OpenStoreTest, OptionsOutOfRangeAreInvalidArgument) {
  const std::string dir = FreshTestDir();
  const std::vector<std::string> before = ListTree(dir);
  absl::StatusOr<StoreSpec> spec = ParseStoreSpec("file:" + dir + "/store");
  ASSERT_TRUE(spec.ok()) << spec.status();
  StoreSpec long_sync = *spec;
  long_sync.common().durability = Durability::kPeriodic;
  long_sync.common().sync_interval = absl::Hours(24 * 365 * 1000);
  StoreSpec nan_ratio = *spec;
  std::get<FlatFileStoreOptions>(nan_ratio.options).compaction_garbage_ratio =
      std::nan("");
  StoreSpec huge_min = *spec;
  std::get<FlatFileStoreOptions>(huge_min.options).compaction_min_bytes =
      ~uint64_t{0};
  for (const auto& [bad, name] :
       {std::make_pair(long_sync, "sync_interval"),
        std::make_pair(nan_ratio, "compaction_garbage_ratio"),
        std::make_pair(huge_min, "compaction_min_bytes")}) {
    const absl::Status status = OpenStore(bad).status();
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << status;
    EXPECT_NE(status.message().find(name), absl::string_view::npos) << status;
  }
  EXPECT_EQ(ListTree(dir), before);
}

}  // namespace
}  // namespace gogocache
