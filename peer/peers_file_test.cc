// Copyright 2026 The gogocache Authors.

#include "peer/peers_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "peer/grpc_peer_client.h"
#include "peer/peer_pool.h"
#include "tests/wait_for.h"

namespace gogocache {
namespace {

using ::gogocache::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSelf[] = "127.0.0.1:7001";
constexpr absl::Duration kInterval = absl::Milliseconds(5);

// What the watcher reported through on_change, from its thread.
class Reports {
 public:
  PeersFileWatcher::OnChange callback() {
    return [this](const absl::Status& status) {
      std::lock_guard<std::mutex> lock(mu_);
      statuses_.push_back(status);
    };
  }
  std::vector<absl::Status> statuses() {
    std::lock_guard<std::mutex> lock(mu_);
    return statuses_;
  }
  size_t size() { return statuses().size(); }

 private:
  std::mutex mu_;
  std::vector<absl::Status> statuses_;
};

class PeersFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = absl::StrCat(
        tmp != nullptr ? tmp : "/tmp", "/peers_file_test_", ::getpid(), "_",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(std::system(absl::StrCat("mkdir -p ", dir_).c_str()), 0);
    path_ = dir_ + "/peers";
    PeerPoolOptions options;
    options.self = kSelf;
    // Real gRPC clients: they connect only when called, which no test does.
    options.connect = GrpcPeerConnector(GrpcPeerClientOptions());
    pool_ = *PeerPool::Create(std::move(options));
  }

  // Replaces the file as the header says to: a complete file renamed over.
  void WriteFile(const std::string& contents) {
    const std::string tmp = path_ + ".tmp";
    {
      std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
      file << contents;
      ASSERT_TRUE(file.good());
    }
    ASSERT_EQ(std::rename(tmp.c_str(), path_.c_str()), 0);
  }

  std::unique_ptr<PeersFileWatcher> StartWatcher(Reports* reports) {
    absl::StatusOr<std::unique_ptr<PeersFileWatcher>> watcher =
        PeersFileWatcher::Start(path_, pool_, kInterval, reports->callback());
    EXPECT_TRUE(watcher.ok()) << watcher.status();
    return watcher.ok() ? *std::move(watcher) : nullptr;
  }

  // Lets the watcher poll the file many times, for a test that checks that
  // nothing more happens.
  static void LetItPollAWhile() {
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kInterval * 30));
  }

  std::string dir_;
  std::string path_;
  std::shared_ptr<PeerPool> pool_;
};

TEST_F(PeersFileTest, StartAppliesTheFile) {
  WriteFile("# fleet\n127.0.0.1:7001\n127.0.0.1:7002, 127.0.0.1:7003\n");
  Reports reports;
  std::unique_ptr<PeersFileWatcher> watcher = StartWatcher(&reports);
  ASSERT_NE(watcher, nullptr);
  EXPECT_THAT(
      pool_->addresses(),
      ElementsAre("127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports.statuses()[0].ok());
}

TEST_F(PeersFileTest, StartRefusesAMissingOrBadFile) {
  absl::Status status =
      PeersFileWatcher::Start(path_, pool_, kInterval).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(path_));
  WriteFile("127.0.0.1:7001\n127.0.0.1\n");
  status = PeersFileWatcher::Start(path_, pool_, kInterval).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(path_));
  EXPECT_THAT(status.message(), HasSubstr("\"127.0.0.1\""));
  WriteFile("# nobody\n");
  EXPECT_EQ(PeersFileWatcher::Start(path_, pool_, kInterval).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(pool_->addresses(), ElementsAre(kSelf));
}

TEST_F(PeersFileTest, TheIntervalMustBeAtLeastAMillisecond) {
  WriteFile("127.0.0.1:7001\n");
  for (absl::Duration interval :
       {absl::ZeroDuration(), absl::Seconds(-1), absl::Microseconds(999)}) {
    const absl::Status status =
        PeersFileWatcher::Start(path_, pool_, interval).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("interval"));
  }
}

TEST_F(PeersFileTest, ARewriteChangesTheList) {
  WriteFile("127.0.0.1:7001 127.0.0.1:7002\n");
  Reports reports;
  std::unique_ptr<PeersFileWatcher> watcher = StartWatcher(&reports);
  ASSERT_NE(watcher, nullptr);
  WriteFile("127.0.0.1:7001 127.0.0.1:7003 127.0.0.1:7004\n");
  EXPECT_TRUE(WaitFor([&] { return pool_->addresses().size() == 3; }));
  EXPECT_THAT(
      pool_->addresses(),
      ElementsAre("127.0.0.1:7001", "127.0.0.1:7003", "127.0.0.1:7004"));
  EXPECT_TRUE(WaitFor([&] { return reports.size() == 2; }));
  EXPECT_TRUE(reports.statuses()[1].ok()) << reports.statuses()[1];
  // The same list again, written anew, is no change.
  WriteFile("127.0.0.1:7001 127.0.0.1:7003 127.0.0.1:7004\n");
  LetItPollAWhile();
  EXPECT_EQ(reports.size(), 2u);
}

TEST_F(PeersFileTest, ABadRewriteKeepsTheListAndIsReportedOnce) {
  WriteFile("127.0.0.1:7001 127.0.0.1:7002\n");
  Reports reports;
  std::unique_ptr<PeersFileWatcher> watcher = StartWatcher(&reports);
  ASSERT_NE(watcher, nullptr);
  WriteFile("127.0.0.1:7001 127.0.0.1:99999\n");
  ASSERT_TRUE(WaitFor([&] { return reports.size() == 2; }));
  const absl::Status error = reports.statuses()[1];
  EXPECT_EQ(error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(error.message(), HasSubstr(path_));
  EXPECT_THAT(error.message(), HasSubstr("127.0.0.1:99999"));
  LetItPollAWhile();
  EXPECT_EQ(reports.size(), 2u);
  EXPECT_THAT(pool_->addresses(),
              ElementsAre("127.0.0.1:7001", "127.0.0.1:7002"));
  // A good file again is applied.
  WriteFile("127.0.0.1:7001 127.0.0.1:7005\n");
  EXPECT_TRUE(WaitFor([&] { return reports.size() == 3; }));
  EXPECT_TRUE(reports.statuses()[2].ok());
  EXPECT_THAT(pool_->addresses(),
              ElementsAre("127.0.0.1:7001", "127.0.0.1:7005"));
}

TEST_F(PeersFileTest, ADeletedFileKeepsTheList) {
  WriteFile("127.0.0.1:7001 127.0.0.1:7002\n");
  Reports reports;
  std::unique_ptr<PeersFileWatcher> watcher = StartWatcher(&reports);
  ASSERT_NE(watcher, nullptr);
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  ASSERT_TRUE(WaitFor([&] { return reports.size() == 2; }));
  EXPECT_EQ(reports.statuses()[1].code(), absl::StatusCode::kNotFound);
  LetItPollAWhile();
  EXPECT_EQ(reports.size(), 2u);
  EXPECT_THAT(pool_->addresses(),
              ElementsAre("127.0.0.1:7001", "127.0.0.1:7002"));
  // Back, with another list.
  WriteFile("127.0.0.1:7001 127.0.0.1:7006\n");
  EXPECT_TRUE(WaitFor([&] {
    return pool_->addresses() ==
           std::vector<std::string>{"127.0.0.1:7001", "127.0.0.1:7006"};
  }));
}

TEST_F(PeersFileTest, AFifoIsRefusedWithoutBlocking) {
  const std::string fifo = path_ + ".fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const absl::Status status =
      PeersFileWatcher::Start(fifo, pool_, kInterval).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not a regular file"));
  unlink(fifo.c_str());
}

TEST_F(PeersFileTest, AnOutageAfterTheFileCameBackIsReportedAgain) {
  WriteFile("127.0.0.1:7001 127.0.0.1:7002\n");
  Reports reports;
  std::unique_ptr<PeersFileWatcher> watcher = StartWatcher(&reports);
  ASSERT_NE(watcher, nullptr);
  const size_t applied = reports.size();
  for (int outage = 1; outage <= 2; ++outage) {
    ASSERT_EQ(rename(path_.c_str(), (path_ + ".away").c_str()), 0);
    EXPECT_TRUE(WaitFor([&] { return reports.size() == applied + outage; }))
        << "outage " << outage;
    // The same contents come back: nothing to apply, nothing reported. The
    // watcher must see them before the next outage: 200 of its intervals.
    ASSERT_EQ(rename((path_ + ".away").c_str(), path_.c_str()), 0);
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(kInterval * 200));
  }
  EXPECT_EQ(reports.size(), applied + 2);
}

TEST_F(PeersFileTest, DestructionStopsTheWatcher) {
  WriteFile("127.0.0.1:7001 127.0.0.1:7002\n");
  Reports reports;
  std::unique_ptr<PeersFileWatcher> watcher = StartWatcher(&reports);
  ASSERT_NE(watcher, nullptr);
  watcher.reset();
  WriteFile("127.0.0.1:7001 127.0.0.1:7003\n");
  LetItPollAWhile();
  EXPECT_EQ(reports.size(), 1u);
  EXPECT_THAT(pool_->addresses(),
              ElementsAre("127.0.0.1:7001", "127.0.0.1:7002"));
}

}  // namespace
}  // namespace gogocache
