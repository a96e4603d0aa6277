// Copyright 2026 The gogocache Authors.
//
// Getter: how a CacheGroup fills a missing key. The user implements Get() (or
// Load(), for the caller's Context and a value's own expiry) to fetch or
// compute the value from the slow source the cache sits in front of.
//
// Contract for implementations:
//   - Get() may be called from any thread, concurrently for different keys,
//     never concurrently for the same key within one CacheGroup (the group's
//     singleflight shares one call among concurrent misses).
//   - No cache lock is held during the call; Get() may call back into the
//     group, for other keys.
//   - An error status is handed to every caller waiting on that key and is
//     not cached (except NotFound, in a group that caches it for a while:
//     CacheGroupOptions::not_found_ttl): the next Get() of the key calls the
//     getter again.
//   - An empty string is a value like any other and is cached.
//   - Get() must not throw.

#ifndef GOGOCACHE_LOADER_GETTER_H_
#define GOGOCACHE_LOADER_GETTER_H_

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/cxx17.h"
#include "loader/context.h"

namespace gogocache {

// A loaded value, with its own expiry if it has one (from a
// `Cache-Control: max-age`, a lease, ...).
struct Loaded {
  std::string value;
  // When the value stops being served: std::nullopt for the group's default
  // (CacheGroupOptions::expire_after_write), absl::InfiniteFuture() for
  // never. Honoured only by a group with expiry on.
  std::optional<absl::Time> expires;
};

// Implement one of Get() and Load().
class Getter {
 public:
  virtual ~Getter() = default;

  // Loads the value of `key`.
  virtual absl::StatusOr<std::string> Get(absl::string_view key) {
    return absl::UnimplementedError(absl::StrCat(
        "getter implements neither Get nor Load (key \"", key, "\")"));
  }

  // Loads the value of `key` for `context`: the deadline and cancellation of
  // the caller whose miss started the load. Others may be waiting on the same
  // load with contexts of their own. By default, Get(key) with no expiry of
  // its own.
  virtual absl::StatusOr<Loaded> Load(const Context& context,
                                      absl::string_view key) {
    (void)context;
    absl::StatusOr<std::string> value = Get(key);
    if (!value.ok()) return value.status();
    return Loaded{*std::move(value), std::nullopt};
  }
};

namespace getter_internal {

template <typename Result>
constexpr bool kIsResult =
    std::is_convertible<Result, absl::StatusOr<std::string>>::value ||
    std::is_convertible<Result, absl::StatusOr<Loaded>>::value;

template <typename Function, typename = void>
struct TakesKey : std::false_type {};
template <typename Function>
struct TakesKey<Function, std::enable_if_t<kIsResult<std::invoke_result_t<
                              Function&, absl::string_view>>>>
    : std::true_type {};

template <typename Function, typename = void>
struct TakesContextAndKey : std::false_type {};
template <typename Function>
struct TakesContextAndKey<Function,
                          std::enable_if_t<kIsResult<std::invoke_result_t<
                              Function&, const Context&, absl::string_view>>>>
    : std::true_type {};

// A function's result as a Loaded.
template <typename Result>
absl::StatusOr<Loaded> ToLoaded(Result&& result) {
  if constexpr (std::is_convertible<Result,
                                    absl::StatusOr<std::string>>::value) {
    absl::StatusOr<std::string> value = std::forward<Result>(result);
    if (!value.ok()) return value.status();
    return Loaded{*std::move(value), std::nullopt};
  } else {
    return absl::StatusOr<Loaded>(std::forward<Result>(result));
  }
}

}  // namespace getter_internal

// A Getter that calls `function`, which takes (absl::string_view key) or
// (const Context& context, absl::string_view key) and returns something
// convertible to absl::StatusOr<std::string> (a std::string, a status, or
// both) or to absl::StatusOr<Loaded> (a value with its expiry).
//
//   auto getter = MakeGetter([&db](absl::string_view key) {
//     return db.Read(key);  // absl::StatusOr<std::string>
//   });
//   auto with_expiry = MakeGetter(
//       [&api](const Context& context, absl::string_view key)
//           -> absl::StatusOr<Loaded> {
//         Response response = api.Fetch(key, context.deadline());
//         if (!response.ok()) return response.status();
//         return Loaded{response.body(), Now() + response.max_age()};
//       });
template <typename Function>
std::shared_ptr<Getter> MakeGetter(Function function) {
  constexpr bool kTakesKey = getter_internal::TakesKey<Function>::value;
  constexpr bool kTakesContext =
      getter_internal::TakesContextAndKey<Function>::value;
  static_assert(kTakesKey || kTakesContext,
                "MakeGetter: the function must take (absl::string_view key) or "
                "(const gogocache::Context&, absl::string_view key) and return "
                "absl::StatusOr<std::string> or absl::StatusOr<gogocache::"
                "Loaded> (a parameter of type const std::string& does not "
                "accept an absl::string_view)");
  if constexpr (kTakesKey || kTakesContext) {
    class FunctionGetter final : public Getter {
     public:
      explicit FunctionGetter(Function f) : function_(std::move(f)) {}
      absl::StatusOr<Loaded> Load(const Context& context,
                                  absl::string_view key) override {
        if constexpr (kTakesContext) {
          return getter_internal::ToLoaded(function_(context, key));
        } else {
          (void)context;
          return getter_internal::ToLoaded(function_(key));
        }
      }
      absl::StatusOr<std::string> Get(absl::string_view key) override {
        absl::StatusOr<Loaded> loaded = Load(Context(), key);
        if (!loaded.ok()) return loaded.status();
        return std::move(loaded->value);
      }

     private:
      Function function_;
    };
    return std::make_shared<FunctionGetter>(std::move(function));
  } else {
    return nullptr;
  }
}

}  // namespace gogocache

#endif  // GOGOCACHE_LOADER_GETTER_H_
