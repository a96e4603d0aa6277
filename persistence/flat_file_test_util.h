// Copyright 2026 The gogocache Authors.
//
// What the flat file store's tests share: a fixture with a fresh log path
// per test, and an Open that fails the test rather than return a status.

#ifndef GOGOCACHE_PERSISTENCE_FLAT_FILE_TEST_UTIL_H_
#define GOGOCACHE_PERSISTENCE_FLAT_FILE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "persistence/flat_file_store.h"
#include "persistence/test_util.h"

namespace gogocache {
namespace testing {

// The store at `path`, or null with the test failed.
inline std::unique_ptr<FlatFileStore> OpenOrDie(
    const std::string& path, FlatFileStoreOptions options = {}) {
  absl::StatusOr<std::unique_ptr<FlatFileStore>> store =
      FlatFileStore::Open(path, std::move(options));
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

// A fresh directory per test, and the log's path in it (not created).
class FlatFileStoreTest : public ::testing::Test {
 protected:
  std::string dir_ = FreshTestDir();
  std::string path_ = dir_ + "/cache.log";
};

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_FLAT_FILE_TEST_UTIL_H_
