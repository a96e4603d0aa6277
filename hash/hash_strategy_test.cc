// Copyright 2026 The gogocache Authors.

#include "hash/hash_strategy.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Published CRC-32/ISO-HDLC (IEEE 802.3) check values; Go's
// crc32.ChecksumIEEE returns the same.
TEST(Crc32IeeeTest, MatchesPublishedVectors) {
  const HashStrategy crc = HashStrategy::Crc32Ieee();
  EXPECT_EQ(crc.Hash(""), 0x00000000u);
  EXPECT_EQ(crc.Hash("a"), 0xE8B7BE43u);
  EXPECT_EQ(crc.Hash("abc"), 0x352441C2u);
  EXPECT_EQ(crc.Hash("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc.Hash("message digest"), 0x20159D7Fu);
  EXPECT_EQ(crc.Hash("The quick brown fox jumps over the lazy dog"),
            0x414FA339u);
  EXPECT_EQ(crc.bits(), 32);
  EXPECT_EQ(crc.name(), "crc32");
}

TEST(Crc32IeeeTest, HashesEveryByteIncludingNul) {
  const HashStrategy crc = HashStrategy::Crc32Ieee();
  const std::string with_nul("ab\0c", 4);
  EXPECT_NE(crc.Hash(with_nul), crc.Hash("ab"));
  EXPECT_NE(crc.Hash(with_nul), crc.Hash(std::string("ab\0d", 4)));
}

// xxHash's own sanity buffer: byte i is the top byte of PRIME32 * PRIME64^i.
std::string XxhashSanityBuffer(size_t length) {
  constexpr uint64_t kPrime32 = 2654435761U;
  constexpr uint64_t kPrime64 = 11400714785074694797ULL;
  std::string buffer(length, '\0');
  uint64_t generator = kPrime32;
  for (size_t i = 0; i < length; ++i) {
    buffer[i] = static_cast<char>(generator >> 56);
    generator *= kPrime64;
  }
  return buffer;
}

// XXH3_64bits with seed 0 over prefixes of the sanity buffer, as published in
// xxHash's self-test; the lengths cover each of XXH3's code paths.
TEST(Xxh3Test, MatchesPublishedVectors) {
  struct Vector {
    size_t length;
    uint64_t hash;
  };
  const Vector vectors[] = {
      {0, 0x2D06800538D394C2ULL},    {1, 0xC44BDFF4074EECDBULL},
      {6, 0x27B56A84CD2D7325ULL},    {12, 0xA713DAF0DFBB77E7ULL},
      {24, 0xA3FE70BF9D3510EBULL},   {48, 0x397DA259ECBA1F11ULL},
      {80, 0xBCDEFBBB2C47C90AULL},   {195, 0xCD94217EE362EC3AULL},
      {403, 0xCDEB804D65C6DEA4ULL},  {512, 0x617E49599013CB6BULL},
      {2048, 0xDD59E2C3A5F038E0ULL}, {2240, 0x6E73A90539CF2948ULL},
      {2367, 0xCB37AEB9E5D361EDULL},
  };
  const HashStrategy xxh3 = HashStrategy::Xxh3();
  const std::string buffer = XxhashSanityBuffer(2367);
  for (const Vector& v : vectors) {
    EXPECT_EQ(xxh3.Hash(absl::string_view(buffer.data(), v.length)), v.hash)
        << "length " << v.length;
  }
  EXPECT_EQ(xxh3.bits(), 64);
  EXPECT_EQ(xxh3.name(), "xxh3");
}

TEST(HashStrategyTest, FromNameFindsBuiltins) {
  EXPECT_THAT(HashStrategy::BuiltinNames(), ElementsAre("crc32", "xxh3"));
  for (const std::string& name : HashStrategy::BuiltinNames()) {
    absl::StatusOr<HashStrategy> strategy = HashStrategy::FromName(name);
    ASSERT_TRUE(strategy.ok()) << strategy.status();
    EXPECT_EQ(strategy->name(), name);
  }
  EXPECT_EQ(HashStrategy::FromName("crc32")->Hash("123456789"), 0xCBF43926u);
}

TEST(HashStrategyTest, FromNameRejectsUnknownNamingIt) {
  absl::StatusOr<HashStrategy> strategy = HashStrategy::FromName("md5");
  ASSERT_FALSE(strategy.ok());
  EXPECT_EQ(strategy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(strategy.status().message(), HasSubstr("\"md5\""));
  EXPECT_THAT(strategy.status().message(), HasSubstr("crc32, xxh3"));
}

uint64_t KeyLength(absl::string_view key) { return key.size(); }

TEST(HashStrategyTest, CustomStrategyIsUsedAsGiven) {
  absl::StatusOr<HashStrategy> strategy =
      HashStrategy::Custom("length", &KeyLength, 16);
  ASSERT_TRUE(strategy.ok()) << strategy.status();
  EXPECT_EQ(strategy->Hash("four"), 4u);
  EXPECT_EQ(strategy->bits(), 16);
  EXPECT_EQ(strategy->name(), "length");
}

TEST(HashStrategyTest, CustomStrategyRejectsBadArguments) {
  EXPECT_THAT(HashStrategy::Custom("x", nullptr, 64).status().message(),
              HasSubstr("function is null"));
  EXPECT_THAT(HashStrategy::Custom("", &KeyLength, 64).status().message(),
              HasSubstr("name is empty"));
  EXPECT_THAT(HashStrategy::Custom("x", &KeyLength, 0).status().message(),
              HasSubstr("bits is 0"));
  EXPECT_THAT(HashStrategy::Custom("x", &KeyLength, 65).status().message(),
              HasSubstr("bits is 65"));
}

}  // namespace
}  // namespace gogocache
