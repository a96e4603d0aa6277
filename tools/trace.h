// Copyright 2026 The gogocache Authors.
//
// Key traces for the hit-ratio simulator (`gogocache simulate`).
//
// Formats:
//   kLirs     text, one unsigned integer key per line; lines holding only
//             `*` are checkpoint markers and are skipped; blank lines too.
//             (The LIRS authors' traces are in this format.)
//   kCache2k  binary, one big-endian unsigned 32-bit key per 4 bytes
//             (cache2k's trace format).
// Either may be compressed with gzip or xz; the compression is recognised by
// the file's first bytes, not its name.

#ifndef GOGOCACHE_TOOLS_TRACE_H_
#define GOGOCACHE_TOOLS_TRACE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gogocache {

enum class TraceFormat { kLirs, kCache2k };

// Parses "lirs" or "cache2k".
absl::StatusOr<TraceFormat> ParseTraceFormat(absl::string_view name);

// The keys of the trace in `path`. Errors: NotFound or PermissionDenied for
// the file; InvalidArgument naming the line (lirs) or the size (cache2k) for
// malformed content; DataLoss for a damaged gzip or xz stream.
absl::StatusOr<std::vector<uint64_t>> ReadTrace(const std::string& path,
                                                TraceFormat format);

// The same, from the file's bytes (for tests).
absl::StatusOr<std::vector<uint64_t>> ParseTrace(std::string bytes,
                                                 TraceFormat format);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_TRACE_H_
