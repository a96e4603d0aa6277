// Copyright 2026 The gogocache Authors.

#include "tools/cluster_report.h"

#include <random>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::HasSubstr;

TEST(FetchTimesTest, RebuiltHistogramIsTheRecordedOne) {
  std::mt19937_64 random(7);
  FetchTimes times;
  LatencyHistogram direct;
  for (int i = 0; i < 100000; ++i) {
    // Durations from nanoseconds to seconds, log-uniform.
    const uint64_t nanos = uint64_t{1} << (random() % 32);
    const uint64_t value = nanos + random() % nanos;
    times.Record(value);
    direct.Record(value);
  }
  const LatencyHistogram rebuilt = HistogramOf(times.Samples());
  EXPECT_EQ(rebuilt.count(), direct.count());
  EXPECT_EQ(rebuilt.max(), direct.max());
  for (double p : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    EXPECT_EQ(rebuilt.Percentile(p), direct.Percentile(p)) << p;
  }
  EXPECT_LT(times.Samples().size(), 1000u);
}

TEST(FetchTimesTest, EmptyAndSingle) {
  FetchTimes times;
  EXPECT_TRUE(times.Samples().empty());
  times.Record(12345);
  const LatencyHistogram h = HistogramOf(times.Samples());
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.max(), 12345u);
}

TEST(NodeReportTest, EncodesAndDecodes) {
  NodeReport report;
  report.seconds = 1.25;
  report.gets = 1;
  report.hits = 2;
  report.hot_hits = 3;
  report.loads = 4;
  report.peer_loads = 5;
  report.peer_errors = 6;
  report.served_for_peers = 7;
  report.evictions = 8;
  report.items = 9;
  report.hot_items = 10;
  report.bytes = 11;
  report.get_errors = 12;
  report.wrong_values = 13;
  report.accessed = {{0, 100}, {500, 7}};
  report.peer_fetch_nanos = {{1000, 3}, {1234, 1}};
  const std::string line = EncodeNodeReport(report);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  absl::StatusOr<NodeReport> decoded = DecodeNodeReport(line);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(EncodeNodeReport(*decoded), line);
  EXPECT_DOUBLE_EQ(decoded->seconds, 1.25);
  EXPECT_EQ(decoded->wrong_values, 13u);
  EXPECT_EQ(decoded->accessed, report.accessed);

  EXPECT_FALSE(DecodeNodeReport("").ok());
  EXPECT_FALSE(DecodeNodeReport(line + " gets=1").ok());  // Twice.
  EXPECT_FALSE(DecodeNodeReport(line.substr(0, line.size() / 2)).ok());
  EXPECT_FALSE(DecodeNodeReport(line + " unknown=1").ok());
}

TEST(ClusterThreadStartTest, SpreadsThreadsEvenly) {
  EXPECT_EQ(ClusterThreadStart(0, 0, 2, 3, 600), 0u);
  EXPECT_EQ(ClusterThreadStart(0, 1, 2, 3, 600), 100u);
  EXPECT_EQ(ClusterThreadStart(2, 1, 2, 3, 600), 500u);
}

TEST(PrintClusterReportTest, CountsDistinctKeysAndPrintsTheBlock) {
  WorkloadOptions options = ClusterWorkloadOptions(50, 16, 0.99);
  options.num_accesses = 1000;
  const Workload workload(options);
  NodeReport a, b;
  a.seconds = 2;
  b.seconds = 1;
  a.gets = b.gets = 100;
  a.hits = 50;
  b.hits = 100;
  a.loads = 40;
  // Everything once through b's wrap-around: every key of the sequence.
  a.accessed = {{0, 1}};
  b.accessed = {{990, 2000}};
  a.peer_fetch_nanos = {{2000, 1}};
  std::set<uint32_t> all(workload.accesses().begin(),
                         workload.accesses().end());
  ClusterSetup setup;
  setup.nodes = 2;
  setup.threads_per_node = 1;
  setup.kv = true;
  std::ostringstream out;
  PrintClusterReport(setup, {"127.0.0.1:1", "127.0.0.1:2"}, {a, b}, workload,
                     out);
  const std::string text = out.str();
  const size_t block = text.find("system=gogocache\n");
  ASSERT_NE(block, std::string::npos);
  EXPECT_EQ(text.substr(0, block).find('='), std::string::npos);
  EXPECT_THAT(text, HasSubstr("\ngets=200\n"));
  EXPECT_THAT(text, HasSubstr("\nseconds=2.00\n"));
  EXPECT_THAT(text, HasSubstr("\ngets_per_second=100.00\n"));
  EXPECT_THAT(text, HasSubstr("\nhit_ratio=0.7500\n"));
  EXPECT_THAT(text,
              HasSubstr(absl::StrCat("\ndistinct_keys=", all.size(), "\n")));
  EXPECT_THAT(text, HasSubstr("\npeer_fetches=1\n"));
  EXPECT_THAT(text, HasSubstr("\nloads=40\n"));
}

}  // namespace
}  // namespace gogocache
