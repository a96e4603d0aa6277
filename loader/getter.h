// Copyright 2026 The gogocache Authors.
//
// Getter: how a CacheGroup fills a missing key. The user implements Get() to
// fetch or compute the value from the slow source the cache sits in front of.
//
// Contract for implementations:
//   - Get() may be called from any thread, concurrently for different keys,
//     never concurrently for the same key within one CacheGroup (the group's
//     singleflight shares one call among concurrent misses).
//   - No cache lock is held during the call; Get() may call back into the
//     group, for other keys.
//   - An error status is handed to every caller waiting on that key and is
//     not cached: the next Get() of the key calls the getter again.
//   - An empty string is a value like any other and is cached.
//   - Get() must not throw.

#ifndef GOGOCACHE_LOADER_GETTER_H_
#define GOGOCACHE_LOADER_GETTER_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gogocache {

class Getter {
 public:
  virtual ~Getter() = default;

  // Loads the value of `key`.
  virtual absl::StatusOr<std::string> Get(absl::string_view key) = 0;
};

// A Getter that calls `function(key)`, which must return something convertible
// to absl::StatusOr<std::string> (a std::string, or a status, or both).
//
//   auto getter = MakeGetter([&db](absl::string_view key) {
//     return db.Read(key);
//   });
template <typename Function>
std::shared_ptr<Getter> MakeGetter(Function function) {
  class FunctionGetter final : public Getter {
   public:
    explicit FunctionGetter(Function f) : function_(std::move(f)) {}
    absl::StatusOr<std::string> Get(absl::string_view key) override {
      return function_(key);
    }

   private:
    Function function_;
  };
  static_assert(
      std::is_convertible<std::invoke_result_t<Function&, absl::string_view>,
                          absl::StatusOr<std::string>>::value,
      "a getter function takes absl::string_view and returns "
      "absl::StatusOr<std::string>");
  return std::make_shared<FunctionGetter>(std::move(function));
}

}  // namespace gogocache

#endif  // GOGOCACHE_LOADER_GETTER_H_
