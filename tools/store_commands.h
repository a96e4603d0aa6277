// Copyright 2026 The gogocache Authors.
//
// The `gogocache` subcommands that work on a store, named by its spec
// (persistence/open.h: file:PATH or rocksdb:PATH):
//   inspect SPEC          what Store::Verify() finds: entries, sizes, damage;
//                         and how many entries have an expiry, and how many
//                         of those expired (at or before `now`)
//   verify SPEC           Store::Verify(): every checksum; DataLoss on damage
//   compact SPEC          drops garbage now; prints sizes before and after
//   convert SRC DST       copies every entry of SRC into DST, oldest first,
//                         each with its expiry (expired ones included)
//   dump SPEC             one line per entry: the key, C-escaped; with
//                         `values` a tab and the value, C-escaped; and for
//                         an entry with an expiry a tab and
//                         "expires=2026-12-07T15:00:00Z" (RFC 3339, UTC, with
//                         the fraction of a second it has), nothing for one
//                         that never expires
// inspect, verify and dump open the store read-only and change nothing;
// they fail (FailedPrecondition) while a writer has it open.
//
// No command creates a store but convert's destination: on a store that does
// not exist, inspect, verify, dump, compact and convert (its source) are
// NotFound naming the path. A path that is neither a regular file (file:)
// nor a directory (rocksdb:), such as a FIFO or a device, is refused at once
// (FailedPrecondition). convert refuses (InvalidArgument) a destination that
// is its source: the same path, or the same file or directory reached
// another way (a symbolic or hard link, another spelling of the path).

#ifndef GOGOCACHE_TOOLS_STORE_COMMANDS_H_
#define GOGOCACHE_TOOLS_STORE_COMMANDS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace gogocache {

struct StoreCommandOptions {
  // Draw progress bars on `progress` (only sensible on a terminal).
  bool show_progress = false;
  // dump: print values too.
  bool values = false;
  // inspect: the instant expiries are counted against; InfinitePast() for
  // the time of the call.
  absl::Time now = absl::InfinitePast();
};

absl::Status RunInspect(const std::string& spec,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress);
absl::Status RunVerify(const std::string& spec,
                       const StoreCommandOptions& options, std::ostream& out,
                       std::ostream& progress);
absl::Status RunCompact(const std::string& spec,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress);
absl::Status RunConvert(const std::string& source,
                        const std::string& destination,
                        const StoreCommandOptions& options, std::ostream& out,
                        std::ostream& progress);
absl::Status RunDump(const std::string& spec,
                     const StoreCommandOptions& options, std::ostream& out,
                     std::ostream& progress);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_STORE_COMMANDS_H_
