// Copyright 2026 The gogocache Authors.

#include "peer/peer_list.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CheckPeerAddressTest, AcceptsHostNamesIPv4AndBracketedIPv6) {
  for (const char* address :
       {"localhost:8080", "10.0.0.7:1", "127.0.0.1:65535", "[::1]:80",
        "[fe80::1:2]:443", "[::ffff:10.0.0.1]:9", "cache-1.prod_east.example:7",
        "A-b_c.D:12345"}) {
    EXPECT_TRUE(CheckPeerAddress(address).ok())
        << address << ": " << CheckPeerAddress(address);
  }
}

// Each bad form is refused with InvalidArgument, and the message names the
// address (escaped, so that a byte that is not printable shows).
TEST(CheckPeerAddressTest, RefusesEachBadFormNamingTheAddress) {
  const std::vector<std::string> bad = {
      "localhost",                        // no port
      "localhost:",                       // empty port
      "localhost:0",                      // port 0
      "localhost:65536",                  // port over 65535
      "localhost:99999999999999999999",   // port overflows
      "localhost:80a",                    // non-digit port
      "localhost:-1",                     // sign
      "localhost:+80",                    // sign
      ":8080",                            // empty host
      "[::1:8080",                        // unclosed bracket
      "[]:8080",                          // empty brackets
      "[::g]:8080",                       // not hex
      "::1:8080",                         // IPv6 without brackets
      "local host:8080",                  // space
      " localhost:8080",                  // leading space
      "localhost:8080 ",                  // trailing space
      std::string("local\0host:80", 13),  // NUL byte
      "local\xffhost:80",                 // non-ASCII byte
      "host/path:80",                     // garbage
      "http://host:80",                   // a URL
  };
  for (const std::string& address : bad) {
    const absl::Status status = CheckPeerAddress(address);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << absl::CHexEscape(address) << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(absl::CHexEscape(address)))
        << absl::CHexEscape(address);
  }
}

TEST(CheckPeerAddressTest, SaysWhatIsWrong) {
  EXPECT_THAT(CheckPeerAddress("localhost").message(), HasSubstr("no port"));
  EXPECT_THAT(CheckPeerAddress("localhost:0").message(),
              HasSubstr("1 to 65535"));
  EXPECT_THAT(CheckPeerAddress(":80").message(), HasSubstr("no host"));
  EXPECT_THAT(CheckPeerAddress("[::1:80").message(), HasSubstr("bracket"));
}

TEST(CheckPeerListTest, AcceptsDistinctAddresses) {
  EXPECT_TRUE(CheckPeerList({"a:1"}).ok());
  EXPECT_TRUE(CheckPeerList({"a:1", "a:2", "b:1", "[::1]:1"}).ok());
}

TEST(CheckPeerListTest, RefusesAnEmptyList) {
  const absl::Status status = CheckPeerList({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("empty"));
}

TEST(CheckPeerListTest, NamesTheDuplicate) {
  const absl::Status status =
      CheckPeerList({"a:1", "dup.example:80", "b:1", "dup.example:80"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("\"dup.example:80\""));
  EXPECT_THAT(status.message(), HasSubstr("twice"));
}

TEST(CheckPeerListTest, NamesTheFirstBadAddress) {
  const absl::Status status = CheckPeerList({"a:1", "b", "c:0"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("\"b\""));
}

TEST(ParsePeerListTest, SplitsOnCommasSpacesAndNewlines) {
  absl::StatusOr<std::vector<std::string>> list =
      ParsePeerList("a:1,b:2 c:3\td:4\ne:5\r\n,, f:6 ,\n\n[::1]:7\n");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(*list,
              ElementsAre("a:1", "b:2", "c:3", "d:4", "e:5", "f:6", "[::1]:7"));
}

TEST(ParsePeerListTest, SkipsComments) {
  absl::StatusOr<std::vector<std::string>> list = ParsePeerList(
      "# the cache fleet\n"
      "a:1  # first\n"
      "#b:2\n"
      "c:3,d:4# no space before the comment\n"
      "   # only a comment, with a bad address: x:0\n");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_THAT(*list, ElementsAre("a:1", "c:3", "d:4"));
}

TEST(ParsePeerListTest, RefusesEmptyBadAndRepeatedLists) {
  for (const char* text : {"", " \n, \n", "# only comments\n#\n"}) {
    absl::StatusOr<std::vector<std::string>> list = ParsePeerList(text);
    EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(list.status().message(), HasSubstr("empty")) << text;
  }
  absl::StatusOr<std::vector<std::string>> list = ParsePeerList("a:1\nb\n");
  EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(list.status().message(), HasSubstr("\"b\""));
  list = ParsePeerList("a:1, b:2\na:1\n");
  EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(list.status().message(), HasSubstr("\"a:1\" is listed twice"));
}

}  // namespace
}  // namespace gogocache
