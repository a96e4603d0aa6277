// Copyright 2026 The gogocache Authors.
//
// Expiry, refresh ahead, negative caching and callers' contexts, on a clock
// the tests drive: nothing here sleeps.

#include <atomic>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "cache/cache_group.h"
#include "gtest/gtest.h"
#include "loader/getter.h"
#include "loader/manual_clock.h"
#include "tests/wait_for.h"

namespace gogocache {
namespace {

using ::gogocache::testing::WaitFor;

// A getter that counts its calls and answers "KEY@N" for the Nth call.
class CountingGetter {
 public:
  std::shared_ptr<Getter> Make() {
    return MakeGetter([this](absl::string_view key) {
      return absl::StrCat(key, "@", ++calls_);
    });
  }
  int calls() const { return calls_.load(); }

 private:
  std::atomic<int> calls_{0};
};

class ExpiryTest : public ::testing::Test {
 protected:
  std::unique_ptr<CacheGroup> MakeGroup(CacheGroupOptions options) {
    options.clock = clock_;
    options.num_shards = 2;
    absl::StatusOr<std::unique_ptr<CacheGroup>> group =
        CacheGroup::Create(std::move(options));
    EXPECT_TRUE(group.ok()) << group.status();
    return group.ok() ? *std::move(group) : nullptr;
  }

  std::string GetOrDie(CacheGroup& group, absl::string_view key) {
    absl::StatusOr<ByteView> value = group.Get(key);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? value->ToString() : "";
  }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
};

TEST_F(ExpiryTest, ServedUntilItExpiresNeverAfter) {
  CountingGetter source;
  CacheGroupOptions options;
  options.getter = source.Make();
  options.expire_after_write = absl::Seconds(10);
  auto group = MakeGroup(std::move(options));
  EXPECT_EQ(GetOrDie(*group, "k"), "k@1");
  clock_->Advance(absl::Seconds(10) - absl::Nanoseconds(2));
  EXPECT_EQ(GetOrDie(*group, "k"), "k@1");
  clock_->Advance(absl::Nanoseconds(2));
  EXPECT_EQ(GetOrDie(*group, "k"), "k@2") << "served at its expiry";
  EXPECT_EQ(source.calls(), 2);
  // The reload starts a new life.
  clock_->Advance(absl::Seconds(9));
  EXPECT_EQ(GetOrDie(*group, "k"), "k@2");
}

TEST_F(ExpiryTest, AGettersExpiryBeatsTheDefault) {
  int calls = 0;
  CacheGroupOptions options;
  options.expire_after_write = absl::Seconds(10);
  options.getter = MakeGetter(
      [&](const Context&, absl::string_view key) -> absl::StatusOr<Loaded> {
        ++calls;
        if (key == "short") {
          return Loaded{"s", clock_->Now() + absl::Seconds(2)};
        }
        if (key == "forever") return Loaded{"f", absl::InfiniteFuture()};
        return Loaded{"d", std::nullopt};  // The default.
      });
  auto group = MakeGroup(std::move(options));
  for (const char* key : {"short", "forever", "default"}) {
    ASSERT_TRUE(group->Get(key).ok());
  }
  clock_->Advance(absl::Seconds(2));
  ASSERT_TRUE(group->Get("short").ok());
  EXPECT_EQ(calls, 4);
  clock_->Advance(absl::Seconds(8));
  ASSERT_TRUE(group->Get("default").ok());
  ASSERT_TRUE(group->Get("forever").ok());
  EXPECT_EQ(calls, 5) << "default reloaded at 10 s, forever never";
  clock_->Advance(absl::Hours(24 * 365));
  ASSERT_TRUE(group->Get("forever").ok());
  EXPECT_EQ(calls, 5);
}

TEST_F(ExpiryTest, SetTakesAnExpiry) {
  CacheGroupOptions options;
  options.per_entry_expiry = true;
  auto group = MakeGroup(std::move(options));
  ASSERT_TRUE(group->Set("a", "1", clock_->Now() + absl::Seconds(1)).ok());
  ASSERT_TRUE(group->Set("b", "2").ok());  // No default: never expires.
  clock_->Advance(absl::Seconds(1));
  EXPECT_TRUE(absl::IsNotFound(group->Get("a").status()));
  EXPECT_EQ(GetOrDie(*group, "b"), "2");
}

TEST_F(ExpiryTest, ExpiryIsIgnoredWithExpiryOff) {
  auto group = MakeGroup(CacheGroupOptions());
  ASSERT_TRUE(group->Set("a", "1", clock_->Now() + absl::Seconds(1)).ok());
  clock_->Advance(absl::Hours(1));
  EXPECT_EQ(GetOrDie(*group, "a"), "1");
}

TEST_F(ExpiryTest, ExpiredEntriesGiveTheirMemoryBack) {
  CacheGroupOptions options;
  options.expire_after_write = absl::Seconds(1);
  options.capacity_bytes = 1 << 20;
  auto group = MakeGroup(std::move(options));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(group->Set(absl::StrCat("old", i), "v").ok());
  }
  const uint64_t full = group->GetStats().bytes;
  clock_->Advance(absl::Seconds(1));
  // Nobody asks for the old keys again; writes of others find them, a few
  // slots of the table per write.
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(group->Set(absl::StrCat("new", i), "v").ok());
  }
  const CacheGroupStats stats = group->GetStats();
  EXPECT_EQ(stats.expirations, 1000u) << stats;
  EXPECT_EQ(stats.items, 3000u) << stats;
  EXPECT_LT(stats.bytes, full * 31 / 10) << stats;
  EXPECT_EQ(stats.evictions, 0u) << "room was never short";
}

TEST_F(ExpiryTest, ExpiryCostsEightBytesOfChargePerEntry) {
  CacheGroupOptions options;
  options.expire_after_write = absl::Seconds(1);
  auto expiring = MakeGroup(std::move(options));
  auto plain = MakeGroup(CacheGroupOptions());
  ASSERT_TRUE(expiring->Set("key", "value").ok());
  ASSERT_TRUE(plain->Set("key", "value").ok());
  EXPECT_EQ(plain->GetStats().bytes, CacheGroup::Charge(3, 5));
  EXPECT_EQ(expiring->GetStats().bytes, CacheGroup::Charge(3, 5) + 8);
}

TEST_F(ExpiryTest, RefreshAheadReloadsOnceWhileEveryCallerGetsAnAnswer) {
  std::atomic<int> calls{0};
  absl::Notification release;
  CacheGroupOptions options;
  options.expire_after_write = absl::Seconds(10);
  options.refresh_ahead = 0.2;
  options.getter = MakeGetter([&](absl::string_view) {
    const int call = ++calls;
    if (call > 1) release.WaitForNotification();
    return absl::StrCat("v", call);
  });
  auto group = MakeGroup(std::move(options));
  EXPECT_EQ(GetOrDie(*group, "k"), "v1");
  clock_->Advance(absl::Seconds(7));
  EXPECT_EQ(GetOrDie(*group, "k"), "v1");
  EXPECT_EQ(calls.load(), 1) << "not yet in the last fifth of its life";
  clock_->Advance(absl::Seconds(1));
  // In the window: each hit answers at once; the one reload waits.
  for (int i = 0; i < 50; ++i) EXPECT_EQ(GetOrDie(*group, "k"), "v1");
  ASSERT_TRUE(WaitFor([&] { return calls.load() == 2; }));
  EXPECT_EQ(group->GetStats().refreshes, 1u);
  release.Notify();
  ASSERT_TRUE(WaitFor([&] { return GetOrDie(*group, "k") == "v2"; }));
  EXPECT_EQ(calls.load(), 2);
  // The reloaded value lives from its reload: 10 s more.
  clock_->Advance(absl::Seconds(7));
  EXPECT_EQ(GetOrDie(*group, "k"), "v2");
  EXPECT_EQ(calls.load(), 2);
}

TEST_F(ExpiryTest, NotFoundIsRememberedForItsTtl) {
  int calls = 0;
  CacheGroupOptions options;
  options.not_found_ttl = absl::Seconds(5);
  options.getter =
      MakeGetter([&](absl::string_view key) -> absl::StatusOr<std::string> {
        ++calls;
        if (key == "missing") return absl::NotFoundError("no row for missing");
        return absl::InternalError("database down");
      });
  auto group = MakeGroup(std::move(options));
  for (int i = 0; i < 10; ++i) {
    absl::Status status = group->Get("missing").status();
    EXPECT_TRUE(absl::IsNotFound(status));
    EXPECT_EQ(status.message(), "no row for missing");
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(group->GetStats().negative_hits, 9u);
  // Other errors are not remembered.
  EXPECT_TRUE(absl::IsInternal(group->Get("other").status()));
  EXPECT_TRUE(absl::IsInternal(group->Get("other").status()));
  EXPECT_EQ(calls, 3);
  // Negative entries expire too.
  clock_->Advance(absl::Seconds(5));
  EXPECT_TRUE(absl::IsNotFound(group->Get("missing").status()));
  EXPECT_EQ(calls, 4);
  // And a Set replaces one.
  ASSERT_TRUE(group->Set("missing", "found now").ok());
  EXPECT_EQ(GetOrDie(*group, "missing"), "found now");
}

TEST_F(ExpiryTest, ACallerWhoseDeadlinePassesStopsWaitingTheLoadGoesOn) {
  absl::Notification release;
  std::atomic<int> calls{0};
  absl::Time leader_deadline;
  CacheGroupOptions options;
  options.getter = MakeGetter(
      [&](const Context& context, absl::string_view) -> absl::StatusOr<Loaded> {
        leader_deadline = context.deadline();  // Published by ++calls.
        ++calls;
        release.WaitForNotification();
        return Loaded{"value", std::nullopt};
      });
  auto group = MakeGroup(std::move(options));
  const absl::Time deadline = clock_->Now() + absl::Seconds(1);
  absl::StatusOr<ByteView> impatient;
  std::thread first(
      [&] { impatient = group->Get("k", Context::WithDeadline(deadline)); });
  ASSERT_TRUE(WaitFor([&] { return calls.load() == 1; }));
  absl::StatusOr<ByteView> patient;
  std::thread second([&] {
    patient = group->Get("k", Context::WithDeadline(absl::InfiniteFuture()));
  });
  clock_->Advance(absl::Seconds(1));
  first.join();
  EXPECT_TRUE(absl::IsDeadlineExceeded(impatient.status()))
      << impatient.status();
  EXPECT_EQ(leader_deadline, deadline) << "the getter has the leader's context";
  release.Notify();
  second.join();
  ASSERT_TRUE(patient.ok()) << patient.status();
  EXPECT_EQ(*patient, "value");
  EXPECT_EQ(GetOrDie(*group, "k"), "value") << "the load filled the cache";
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(group->GetStats().abandoned_waits, 1u);
}

TEST_F(ExpiryTest, ACancelledCallerStopsWaiting) {
  absl::Notification release;
  std::atomic<int> calls{0};
  CacheGroupOptions options;
  options.getter = MakeGetter([&](absl::string_view) {
    ++calls;
    release.WaitForNotification();
    return std::string("v");
  });
  auto group = MakeGroup(std::move(options));
  const Context context = Context::WithCancel();
  absl::StatusOr<ByteView> result;
  std::thread caller([&] { result = group->Get("k", context); });
  ASSERT_TRUE(WaitFor([&] { return calls.load() == 1; }));
  context.Cancel();
  caller.join();
  EXPECT_TRUE(absl::IsCancelled(result.status())) << result.status();
  release.Notify();
  ASSERT_TRUE(WaitFor([&] { return group->GetStats().items == 1; }));
}

TEST_F(ExpiryTest, AContextThatEndedAlreadyStartsNoLoad) {
  CountingGetter source;
  CacheGroupOptions options;
  options.getter = source.Make();
  auto group = MakeGroup(std::move(options));
  EXPECT_TRUE(absl::IsDeadlineExceeded(
      group->Get("k", Context::WithDeadline(clock_->Now())).status()));
  const Context cancelled = Context::WithCancel();
  cancelled.Cancel();
  EXPECT_TRUE(absl::IsCancelled(group->Get("k", cancelled).status()));
  EXPECT_EQ(source.calls(), 0);
  EXPECT_EQ(group->GetStats().abandoned_waits, 2u);
  // A hit is answered whatever the context.
  ASSERT_TRUE(group->Set("held", "v").ok());
  EXPECT_TRUE(group->Get("held", cancelled).ok());
}

TEST_F(ExpiryTest, OptionsAreChecked) {
  CacheGroupOptions refresh_without_expiry;
  refresh_without_expiry.refresh_ahead = 0.5;
  CacheGroupOptions negative_ttl;
  negative_ttl.not_found_ttl = -absl::Seconds(1);
  CacheGroupOptions zero_expiry;
  zero_expiry.expire_after_write = absl::ZeroDuration();
  CacheGroupOptions whole_life;
  whole_life.expire_after_write = absl::Seconds(1);
  whole_life.refresh_ahead = 1;
  for (CacheGroupOptions* options :
       {&refresh_without_expiry, &negative_ttl, &zero_expiry, &whole_life}) {
    absl::StatusOr<std::unique_ptr<CacheGroup>> group =
        CacheGroup::Create(*options);
    EXPECT_TRUE(absl::IsInvalidArgument(group.status())) << group.status();
  }
}

TEST(CacheGroupStatsTest, PrintsEveryCounterAndTheHitRatio) {
  CacheGroupStats stats;
  stats.gets = 4;
  stats.hits = 3;
  stats.abandoned_waits = 7;
  EXPECT_DOUBLE_EQ(stats.hit_ratio(), 0.75);
  struct Sink {
    std::string text;
    void Append(absl::string_view more) { absl::StrAppend(&text, more); }
  } sink;
  AbslStringify(sink, stats);
  std::ostringstream stream;
  stream << stats;
  const std::string text = stats.ToString();
  EXPECT_EQ(sink.text, text);
  EXPECT_EQ(stream.str(), text);
  EXPECT_NE(text.find("gets=4 hits=3 hit_ratio=0.7500"), std::string::npos)
      << text;
  EXPECT_NE(text.find("abandoned_waits=7"), std::string::npos) << text;
  EXPECT_DOUBLE_EQ(CacheGroupStats().hit_ratio(), 0.0);
}

}  // namespace
}  // namespace gogocache
