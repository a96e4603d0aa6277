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

TEST(MakeGetterTest, AdaptsAFunctionTakingTheContextAndGivingAnExpiry) {
  const absl::Time expires = absl::FromUnixSeconds(1000);
  auto getter =
      MakeGetter([&](const Context& context,
                     absl::string_view key) -> absl::StatusOr<Loaded> {
        if (context.cancelled()) return absl::CancelledError("cancelled");
        return Loaded{std::string(key), expires};
      });
  absl::StatusOr<Loaded> loaded = getter->Load(Context(), "k");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->value, "k");
  EXPECT_EQ(loaded->expires, expires);
  const Context cancelled = Context::WithCancel();
  cancelled.Cancel();
  EXPECT_TRUE(absl::IsCancelled(getter->Load(cancelled, "k").status()));
  // Get() still answers, with the value alone.
  EXPECT_EQ(*getter->Get("k"), "k");
}

TEST(MakeGetterTest, KeyOnlyFunctionsHaveNoExpiryOfTheirOwn) {
  auto getter =
      MakeGetter([](absl::string_view key) { return std::string(key); });
  absl::StatusOr<Loaded> loaded = getter->Load(Context(), "k");
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->expires.has_value());
}

// A subclass written against Get() alone keeps working through Load().
TEST(GetterTest, LoadCallsGet) {
  class Legacy : public Getter {
   public:
    absl::StatusOr<std::string> Get(absl::string_view key) override {
      if (key == "missing") return absl::NotFoundError("none");
      return std::string("legacy");
    }
  } legacy;
  EXPECT_EQ(legacy.Load(Context(), "k")->value, "legacy");
  EXPECT_TRUE(absl::IsNotFound(legacy.Load(Context(), "missing").status()));
}

TEST(ContextTest, CopiesShareCancellationAndDefaultsNeverEnd) {
  const Context context = Context::WithDeadline(absl::FromUnixSeconds(5));
  const Context copy = context;
  EXPECT_TRUE(copy.CanEnd());
  EXPECT_EQ(copy.deadline(), absl::FromUnixSeconds(5));
  context.Cancel();
  EXPECT_TRUE(copy.cancelled());
  const Context background;
  background.Cancel();
  EXPECT_FALSE(background.cancelled());
  EXPECT_FALSE(background.CanEnd());
}

}  // namespace
}  // namespace gogocache
