// Copyright 2026 The gogocache Authors.
//
// Test helpers for stores: a fresh directory per test under Bazel's
// TEST_TMPDIR, a store's replay as a list, and whole-file reads and writes
// for damaging logs by hand.

#ifndef GOGOCACHE_PERSISTENCE_TEST_UTIL_H_
#define GOGOCACHE_PERSISTENCE_TEST_UTIL_H_

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "persistence/store.h"

namespace gogocache {
namespace testing {

// A new, empty directory for the running test.
inline std::string FreshTestDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string dir = absl::StrCat(
      base != nullptr ? base : "/tmp", "/",
      ::testing::UnitTest::GetInstance()
          ->current_test_info()
          ->test_suite_name(),
      ".", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
      ".XXXXXX");
  // Parameterized tests have '/' in their names.
  for (size_t i = (base != nullptr ? strlen(base) : 4) + 1; i < dir.size();
       ++i) {
    if (dir[i] == '/') dir[i] = '_';
  }
  if (mkdtemp(dir.data()) == nullptr) ADD_FAILURE() << "mkdtemp " << dir;
  return dir;
}

// Every name under `dir`, recursively, sorted ("sub/file" for a file in
// subdirectory "sub").
inline std::vector<std::string> ListTree(const std::string& dir,
                                         const std::string& prefix = "") {
  std::vector<std::string> names;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(prefix + name);
    struct stat st;
    const std::string path = dir + "/" + name;
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      for (std::string& inner : ListTree(path, prefix + name + "/")) {
        names.push_back(std::move(inner));
      }
    }
  }
  closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

using Entries = std::vector<std::pair<std::string, std::string>>;

// Everything `store` replays, in order; a replay error fails the test.
inline Entries ReplayAll(Store& store) {
  Entries entries;
  const absl::Status status =
      store.Replay([&](absl::string_view key, absl::string_view value) {
        entries.emplace_back(std::string(key), std::string(value));
      });
  EXPECT_TRUE(status.ok()) << status;
  return entries;
}

// A replayed entry with its expiry.
struct ExpiringEntry {
  std::string key;
  std::string value;
  absl::Time expires;

  bool operator==(const ExpiringEntry& other) const {
    return key == other.key && value == other.value && expires == other.expires;
  }
  friend std::ostream& operator<<(std::ostream& out,
                                  const ExpiringEntry& entry) {
    return out << "{" << entry.key << ", " << entry.value << ", "
               << absl::FormatTime(entry.expires) << "}";
  }
};
using ExpiringEntries = std::vector<ExpiringEntry>;

// Everything `store` replays, in order, with the expiries; a replay error
// fails the test.
inline ExpiringEntries ReplayWithExpiries(Store& store) {
  ExpiringEntries entries;
  const absl::Status status = store.Replay(
      [&](absl::string_view key, absl::string_view value, absl::Time expires) {
        entries.push_back({std::string(key), std::string(value), expires});
      });
  EXPECT_TRUE(status.ok()) << status;
  return entries;
}

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

inline void WriteFileOrDie(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_TRUE(out.good()) << path;
}

// Copies the regular files of directory `from` (not its subdirectories)
// into `to`, which it creates.
inline void CopyDirectoryOrDie(const std::string& from, const std::string& to) {
  EXPECT_EQ(mkdir(to.c_str(), 0755), 0) << to;
  for (const std::string& name : ListTree(from)) {
    WriteFileOrDie(to + "/" + name, ReadFileOrDie(from + "/" + name));
  }
}

inline uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_TEST_UTIL_H_
