// Copyright 2026 The gogocache Authors.

#include "persistence/group_commit.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace persistence_internal {
namespace {

TEST(GroupCommitTest, EveryOperationIsWrittenOnceWithItsBatchsStatus) {
  for (const bool gather : {false, true}) {
    SCOPED_TRACE(gather);
    GroupCommit group(gather);
    std::mutex written_mu;
    std::vector<std::string> written;
    std::atomic<int> in_write{0};
    const auto write =
        [&](absl::Span<const GroupCommit::Operation* const> batch) {
          // One batch at a time.
          EXPECT_EQ(in_write.fetch_add(1), 0);
          std::lock_guard<std::mutex> lock(written_mu);
          for (const GroupCommit::Operation* operation : batch) {
            written.emplace_back(operation->key);
          }
          in_write.fetch_sub(1);
          // A batch with a delete fails, and every writer in it is told.
          for (const GroupCommit::Operation* operation : batch) {
            if (operation->is_delete) return absl::DataLossError("delete");
          }
          return absl::OkStatus();
        };
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          const std::string key = absl::StrCat(t, ":", i);
          EXPECT_TRUE(group.Commit({false, key, "v"}, write).ok());
        }
      });
    }
    for (std::thread& writer : writers) writer.join();
    EXPECT_FALSE(group.Commit({true, "gone", ""}, write).ok());
    EXPECT_EQ(written.size(), 801u);
  }
}

TEST(GroupCommitTest, NoBatchIsWrittenWhileATokenHoldsTheWriterRole) {
  GroupCommit group(/*gather=*/false);
  std::atomic<bool> held{true};
  std::atomic<bool> wrote_while_held{false};
  std::thread writer;
  {
    GroupCommit::WriterToken token(group);
    writer = std::thread([&] {
      EXPECT_TRUE(
          group
              .Commit({false, "k", "v"},
                      [&](absl::Span<const GroupCommit::Operation* const>) {
                        if (held.load()) wrote_while_held.store(true);
                        return absl::OkStatus();
                      })
              .ok());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    held.store(false);
  }
  writer.join();
  EXPECT_FALSE(wrote_while_held.load());
}

}  // namespace
}  // namespace persistence_internal
}  // namespace gogocache
