// Copyright 2026 The gogocache Authors.

#include "tools/demo_command.h"

#include <sstream>

#include "absl/status/status.h"
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
       {"gets", "hit ratio", "loads deduplicated", "local loads", "evictions",
        "p50", "p99", "all correct"}) {
    EXPECT_THAT(out.str(), HasSubstr(figure));
  }
  EXPECT_THAT(progress.str(), HasSubstr("gets"));
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
  options.capacity_bytes = 10;
  EXPECT_THAT(RunDemo(options, out, progress, false).message(),
              HasSubstr("capacity_bytes"));
  options = DemoOptions();
  options.duration = absl::ZeroDuration();
  EXPECT_EQ(RunDemo(options, out, progress, false).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace gogocache
