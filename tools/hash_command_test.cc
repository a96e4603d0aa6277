// Copyright 2026 The gogocache Authors.

#include "tools/hash_command.h"

#include <sstream>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::HasSubstr;

TEST(HashCommandTest, PrintsEachStrategyForEachKey) {
  std::ostringstream out;
  HashCommandOptions options;
  options.shards = 16;
  ASSERT_TRUE(RunHashCommand(options, {"123456789"}, out).ok());
  // CRC-32 check value 0xcbf43926: its top four bits pick shard 12 of 16.
  EXPECT_THAT(out.str(), HasSubstr("crc32  0xcbf43926"));
  EXPECT_THAT(out.str(), HasSubstr("12/16"));
  EXPECT_THAT(out.str(), HasSubstr("xxh3"));
}

TEST(HashCommandTest, EscapesUnprintableKeys) {
  std::ostringstream out;
  ASSERT_TRUE(RunHashCommand({}, {std::string("a\nb")}, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("a\\nb"));
}

TEST(HashCommandTest, RejectsBadInput) {
  std::ostringstream out;
  EXPECT_THAT(RunHashCommand({}, {}, out).message(),
              HasSubstr("at least one key"));
  HashCommandOptions no_shards;
  no_shards.shards = 0;
  EXPECT_THAT(RunHashCommand(no_shards, {"k"}, out).message(),
              HasSubstr("--shards"));
  HashCommandOptions no_buckets;
  no_buckets.buckets = 0;
  EXPECT_THAT(RunHashCommand(no_buckets, {"k"}, out).message(),
              HasSubstr("--buckets"));
}

}  // namespace
}  // namespace gogocache
