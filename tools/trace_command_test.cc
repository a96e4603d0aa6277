// Copyright 2026 The gogocache Authors.

#include "tools/trace_command.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/synthetic_trace.h"
#include "tools/trace.h"

namespace gogocache {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name);
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TraceCommandOptions Family(const std::string& family, double scale = 0.01) {
  TraceCommandOptions options;
  options.family = family;
  options.scale = scale;
  return options;
}

TEST(TraceCommandTest, WritesWhatSimulateReadsPlainAndGzipped) {
  absl::StatusOr<GeneratedTrace> expected =
      GenerateSyntheticTrace("zipf_scan", 0.01);
  ASSERT_TRUE(expected.ok()) << expected.status();
  for (const std::string name : {"zipf_scan.trace", "zipf_scan.trace.gz"}) {
    const std::string path = TempPath(name);
    std::ostringstream out;
    ASSERT_TRUE(RunTraceCommand(Family("zipf_scan"), {path}, out).ok());
    EXPECT_EQ(out.str(),
              absl::StrCat(path,
                           ": 10000 accesses of zipf_scan; simulate with "
                           "--sizes=10,50,100\n"));
    const std::string bytes = FileBytes(path);
    EXPECT_EQ(absl::EndsWith(name, ".gz"), absl::StartsWith(bytes, "\x1f\x8b"))
        << name;
    absl::StatusOr<std::vector<uint64_t>> keys =
        ReadTrace(path, TraceFormat::kLirs);
    ASSERT_TRUE(keys.ok()) << keys.status();
    EXPECT_EQ(*keys, expected->keys) << name;
  }
  EXPECT_TRUE(absl::StartsWith(FileBytes(TempPath("zipf_scan.trace")),
                               absl::StrCat(expected->keys[0], "\n")));
}

TEST(TraceCommandTest, ListsEveryFamilyWithItsSizes) {
  TraceCommandOptions options;
  options.list = true;
  std::ostringstream out;
  ASSERT_TRUE(RunTraceCommand(options, {}, out).ok());
  for (const SyntheticTrace& trace : SyntheticTraces()) {
    EXPECT_TRUE(absl::StrContains(out.str(), trace.name)) << trace.name;
    EXPECT_TRUE(absl::StrContains(out.str(), trace.description));
  }
  EXPECT_TRUE(absl::StrContains(out.str(), "\nzipf_scan "));
  EXPECT_TRUE(absl::StrContains(out.str(), " 1000,5000,10000 "));
  EXPECT_TRUE(
      absl::IsInvalidArgument(RunTraceCommand(options, {TempPath("x")}, out)));
}

TEST(TraceCommandTest, RefusesBadArgumentsAndNamesAnUnwritablePath) {
  std::ostringstream out;
  const std::string path = TempPath("refused.trace");
  EXPECT_TRUE(
      absl::IsInvalidArgument(RunTraceCommand(Family("arc"), {path}, out)));
  EXPECT_TRUE(absl::IsInvalidArgument(
      RunTraceCommand(Family("sweep", 0), {path}, out)));
  EXPECT_TRUE(absl::IsInvalidArgument(
      RunTraceCommand(Family("sweep", 2), {path}, out)));
  EXPECT_TRUE(
      absl::IsInvalidArgument(RunTraceCommand(Family(""), {path}, out)));
  EXPECT_TRUE(
      absl::IsInvalidArgument(RunTraceCommand(Family("sweep"), {}, out)));
  EXPECT_TRUE(absl::IsInvalidArgument(
      RunTraceCommand(Family("sweep"), {path, path}, out)));
  EXPECT_EQ(FileBytes(path), "");

  const std::string missing_dir = TempPath("no/such/dir.trace.gz");
  const absl::Status status =
      RunTraceCommand(Family("sweep"), {missing_dir}, out);
  EXPECT_TRUE(absl::IsNotFound(status)) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), missing_dir)) << status;
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace gogocache
