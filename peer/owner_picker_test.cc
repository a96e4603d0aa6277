// Copyright 2026 The gogocache Authors.

#include "peer/owner_picker.h"

#include <algorithm>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::HasSubstr;

OwnerPicker MakePicker(std::vector<std::string> addresses) {
  absl::StatusOr<OwnerPicker> picker =
      OwnerPicker::Create(std::move(addresses));
  EXPECT_TRUE(picker.ok()) << picker.status();
  return *std::move(picker);
}

std::vector<std::string> Addresses(int n) {
  std::vector<std::string> addresses;
  for (int i = 0; i < n; ++i) {
    addresses.push_back(absl::StrCat("10.0.0.", i + 1, ":8080"));
  }
  return addresses;
}

std::string Key(int i) { return absl::StrCat("key-", i); }

TEST(OwnerPickerTest, CreateRefusesABadList) {
  EXPECT_EQ(OwnerPicker::Create({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(OwnerPicker::Create({"a:1", "a:1"}).status().message(),
              HasSubstr("twice"));
  EXPECT_THAT(OwnerPicker::Create({"a:1", "nope"}).status().message(),
              HasSubstr("\"nope\""));
}

TEST(OwnerPickerTest, OnePeerOwnsEverything) {
  const OwnerPicker picker = MakePicker({"solo:1"});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(picker.Pick(Key(i)), 0u);
  EXPECT_EQ(picker.Pick(""), 0u);
}

// These vectors pin the wire-compatible choice: every process of a fleet,
// whatever its build, version or platform, must pick the same owner for a
// key from the same list, or keys are loaded by several owners. They were
// computed once by this code (XXH3-64 of the key and of each address,
// SplitMix64 of their xor, highest score wins). A change of them is a change
// of the protocol, which a fleet cannot roll out one process at a time.
TEST(OwnerPickerTest, PinnedTestVectors) {
  const std::vector<std::string> addresses = {"10.0.0.1:8080", "10.0.0.2:8080",
                                              "[::1]:9000"};
  const OwnerPicker picker = MakePicker(addresses);
  struct Vector {
    std::string key;
    size_t owner;
  };
  const std::vector<Vector> vectors = {
      {"", 1},
      {"a", 0},
      {"c", 0},
      {"d", 2},
      {"user:1", 2},
      {"user:42", 1},
      {"The quick brown fox jumps over the lazy dog", 1},
      {std::string("nul\0byte", 8), 1},
      {"bad-utf8-\xff\xfe", 0},
      {std::string(1000, 'x'), 1},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(picker.Pick(v.key), v.owner)
        << absl::CHexEscape(v.key.substr(0, 50));
  }
}

TEST(OwnerPickerTest, TheOrderOfTheListDoesNotMatter) {
  const std::vector<std::string> addresses = Addresses(7);
  const OwnerPicker picker = MakePicker(addresses);
  std::mt19937 random(1);
  for (int round = 0; round < 5; ++round) {
    std::vector<std::string> shuffled = addresses;
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    const OwnerPicker other = MakePicker(shuffled);
    for (int i = 0; i < 2000; ++i) {
      ASSERT_EQ(addresses[picker.Pick(Key(i))], shuffled[other.Pick(Key(i))])
          << Key(i);
    }
  }
}

constexpr int kMoveKeys = 20000;

TEST(OwnerPickerTest, RemovingAPeerMovesOnlyItsKeys) {
  const std::vector<std::string> all = Addresses(10);
  const OwnerPicker before = MakePicker(all);
  const std::string removed = all[4];
  std::vector<std::string> rest = all;
  rest.erase(rest.begin() + 4);
  const OwnerPicker after = MakePicker(rest);
  int moved = 0;
  for (int i = 0; i < kMoveKeys; ++i) {
    const std::string& old_owner = all[before.Pick(Key(i))];
    const std::string& new_owner = rest[after.Pick(Key(i))];
    if (old_owner == new_owner) continue;
    ++moved;
    ASSERT_EQ(old_owner, removed) << Key(i) << " moved to " << new_owner;
  }
  // The removed peer's share, ~1/10.
  EXPECT_NEAR(moved, kMoveKeys / 10, kMoveKeys / 100);
}

TEST(OwnerPickerTest, AddingAPeerMovesOnlyKeysToIt) {
  const std::vector<std::string> before_list = Addresses(9);
  std::vector<std::string> after_list = before_list;
  const std::string added = "new-node.example:8080";
  after_list.insert(after_list.begin() + 3, added);
  const OwnerPicker before = MakePicker(before_list);
  const OwnerPicker after = MakePicker(after_list);
  int moved = 0;
  for (int i = 0; i < kMoveKeys; ++i) {
    const std::string& old_owner = before_list[before.Pick(Key(i))];
    const std::string& new_owner = after_list[after.Pick(Key(i))];
    if (old_owner == new_owner) continue;
    ++moved;
    ASSERT_EQ(new_owner, added) << Key(i) << " moved from " << old_owner;
  }
  EXPECT_NEAR(moved, kMoveKeys / 10, kMoveKeys / 100);
}

void ExpectEvenShares(int n) {
  constexpr int kKeys = 100000;
  const OwnerPicker picker = MakePicker(Addresses(n));
  std::vector<int> owned(n, 0);
  for (int i = 0; i < kKeys; ++i) ++owned[picker.Pick(Key(i))];
  const double fair = static_cast<double>(kKeys) / n;
  for (int peer = 0; peer < n; ++peer) {
    EXPECT_NEAR(owned[peer], fair, fair * 0.10)
        << "peer " << peer << " of " << n;
  }
}

TEST(OwnerPickerTest, SharesAreEvenForThreePeers) { ExpectEvenShares(3); }

TEST(OwnerPickerTest, SharesAreEvenForTenPeers) { ExpectEvenShares(10); }

}  // namespace
}  // namespace gogocache
