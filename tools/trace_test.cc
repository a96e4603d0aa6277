// Copyright 2026 The gogocache Authors.

#include "tools/trace.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

// `printf '1\n*\n22\n\n333\n' | gzip -9n | xxd -i` and the same with xz.
const unsigned char kGzip[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
                               0x02, 0x03, 0x33, 0xe4, 0xd2, 0xe2, 0x32, 0x32,
                               0xe2, 0xe2, 0x32, 0x36, 0x36, 0xe6, 0x02, 0x00,
                               0x13, 0xa6, 0x95, 0x18, 0x0c, 0x00, 0x00, 0x00};
const unsigned char kXz[] = {
    0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46,
    0x02, 0x00, 0x21, 0x01, 0x16, 0x00, 0x00, 0x00, 0x74, 0x2f, 0xe5, 0xa3,
    0x01, 0x00, 0x0b, 0x31, 0x0a, 0x2a, 0x0a, 0x32, 0x32, 0x0a, 0x0a, 0x33,
    0x33, 0x33, 0x0a, 0x00, 0xf5, 0x23, 0x4e, 0x80, 0x0b, 0x61, 0x87, 0xb4,
    0x00, 0x01, 0x24, 0x0c, 0xa6, 0x18, 0xd8, 0xd8, 0x1f, 0xb6, 0xf3, 0x7d,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x04, 0x59, 0x5a};

TEST(TraceTest, LirsSkipsMarkersAndBlankLines) {
  absl::StatusOr<std::vector<uint64_t>> keys =
      ParseTrace("1\n*\n22\n\n333\n", TraceFormat::kLirs);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<uint64_t>{1, 22, 333}));
}

TEST(TraceTest, GzipIsRecognisedByItsMagic) {
  absl::StatusOr<std::vector<uint64_t>> keys = ParseTrace(
      std::string(reinterpret_cast<const char*>(kGzip), sizeof(kGzip)),
      TraceFormat::kLirs);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<uint64_t>{1, 22, 333}));
}

TEST(TraceTest, XzIsRecognisedByItsMagic) {
  absl::StatusOr<std::vector<uint64_t>> keys =
      ParseTrace(std::string(reinterpret_cast<const char*>(kXz), sizeof(kXz)),
                 TraceFormat::kLirs);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<uint64_t>{1, 22, 333}));
}

TEST(TraceTest, Cache2kIsBigEndian32BitKeys) {
  const std::string bytes("\x00\x00\x00\x01\x01\x02\x03\x04\xff\xff\xff\xff",
                          12);
  absl::StatusOr<std::vector<uint64_t>> keys =
      ParseTrace(bytes, TraceFormat::kCache2k);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(*keys, (std::vector<uint64_t>{1, 0x01020304, 0xffffffff}));
}

TEST(TraceTest, BadInputIsAnErrorNamingIt) {
  absl::StatusOr<std::vector<uint64_t>> keys =
      ParseTrace("1\n2\nthree\n", TraceFormat::kLirs);
  EXPECT_TRUE(absl::IsInvalidArgument(keys.status()));
  EXPECT_NE(keys.status().message().find("line 3"), absl::string_view::npos);
  keys = ParseTrace(std::string(7, 'x'), TraceFormat::kCache2k);
  EXPECT_TRUE(absl::IsInvalidArgument(keys.status()));
  const std::string cut(reinterpret_cast<const char*>(kGzip), 20);
  EXPECT_TRUE(absl::IsDataLoss(ParseTrace(cut, TraceFormat::kLirs).status()));
  EXPECT_TRUE(absl::IsNotFound(
      ReadTrace("/nonexistent/trace", TraceFormat::kLirs).status()));
  EXPECT_FALSE(ParseTraceFormat("arc").ok());
}

}  // namespace
}  // namespace gogocache
