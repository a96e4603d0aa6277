// Copyright 2026 The gogocache Authors.

#include "loader/getter.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

TEST(MakeGetterTest, AdaptsAFunctionReturningAString) {
  auto getter = MakeGetter(
      [](absl::string_view key) { return std::string(key) + "-value"; });
  absl::StatusOr<std::string> value = getter->Get("k");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, "k-value");
}

TEST(MakeGetterTest, AdaptsAFunctionReturningStatusOr) {
  int calls = 0;
  auto getter = MakeGetter(
      [&calls](absl::string_view key) -> absl::StatusOr<std::string> {
        ++calls;
        if (key == "missing") return absl::NotFoundError("no such row");
        return std::string();
      });
  EXPECT_EQ(getter->Get("missing").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> empty = getter->Get("present");
  ASSERT_TRUE(empty.ok()) << "an empty value is a value, not an error";
  EXPECT_EQ(*empty, "");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace gogocache
