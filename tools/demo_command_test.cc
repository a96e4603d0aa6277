// Copyright 2026 The gogocache Authors.

#include "tools/demo_command.h"

#include <cstdlib>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::HasSubstr;

TEST(DemoCommandTest, RunsAndReportsTheFigures) {
  DemoOptions options;
  options.threads = 2;
  options.duration = absl::Milliseconds(400);
  options.keys = 500;
  options.source_latency = absl::Microseconds(200);
  std::ostringstream out, progress;
  const absl::Status status = RunDemo(options, out, progress, false);
  ASSERT_TRUE(status.ok()) << status;
  for (const char* figure :
       {"gets", "hit ratio", "loads deduped", "loads shared", "local loads",
        "evictions", "p50", "p99", "all correct"}) {
    EXPECT_THAT(out.str(), HasSubstr(figure));
  }
  EXPECT_THAT(progress.str(), HasSubstr("gets"));
}

TEST(DemoCommandTest, SecondRunWithAStoreStartsWarm) {
  for (const char* scheme : {"file", "rocksdb"}) {
    SCOPED_TRACE(scheme);
    const char* tmp = getenv("TEST_TMPDIR");
    DemoOptions options;
    options.threads = 2;
    options.duration = absl::Milliseconds(1500);
    options.keys = 2000;
    options.capacity_bytes = 4 << 20;  // Holds every key.
    options.source_latency = absl::Microseconds(500);
    options.store = absl::StrCat(scheme, ":", tmp != nullptr ? tmp : "/tmp",
                                 "/demo_store.", scheme);
    std::ostringstream out, progress;
    DemoResult cold, warm;
    ASSERT_TRUE(RunDemo(options, out, progress, false, &cold).ok())
        << out.str();
    EXPECT_THAT(out.str(), HasSubstr("cold start"));
    out.str("");
    ASSERT_TRUE(RunDemo(options, out, progress, false, &warm).ok())
        << out.str();
    EXPECT_THAT(out.str(), HasSubstr("warm start"));
    EXPECT_GT(warm.replayed, 0u);
    EXPECT_GT(warm.early_hit_ratio, cold.early_hit_ratio);
    EXPECT_GT(warm.early_hit_ratio, 0.9);
  }
}

TEST(DemoCommandTest, RejectsBadOptions) {
  std::ostringstream out, progress;
  DemoOptions options;
  options.threads = 0;
  EXPECT_THAT(RunDemo(options, out, progress, false).message(),
              HasSubstr("--threads"));
  options = DemoOptions();
  options.hash = "sha1";
  EXPECT_THAT(RunDemo(options, out, progress, false).message(),
              HasSubstr("--hash"));
  options = DemoOptions();
  options.eviction = "random";
  EXPECT_THAT(RunDemo(options, out, progress, false).message(),
              HasSubstr("--eviction"));
  options = DemoOptions();
  options.capacity_bytes = 10;
  EXPECT_THAT(RunDemo(options, out, progress, false).message(),
              HasSubstr("capacity_bytes"));
  options = DemoOptions();
  options.duration = absl::ZeroDuration();
  EXPECT_EQ(RunDemo(options, out, progress, false).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckStoreWritesTest, AnyFailedWriteIsAnErrorNamingTheCountAndFirst) {
  EXPECT_TRUE(CheckStoreWrites(0, absl::OkStatus()).ok());
  const absl::Status first = absl::ResourceExhaustedError(
      "cannot write /tmp/demo.log: File too large");
  absl::Status status = CheckStoreWrites(3, first);
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("3 store writes failed"));
  EXPECT_THAT(status.message(), HasSubstr(first.message()));
  status = CheckStoreWrites(1, absl::FailedPreconditionError("refused"));
  EXPECT_TRUE(absl::IsFailedPrecondition(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("1 store write failed"));
}

}  // namespace
}  // namespace gogocache
