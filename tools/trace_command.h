// Copyright 2026 The gogocache Authors.
//
// `gogocache trace --family=NAME [--scale=X] OUT`: writes a synthetic key
// trace (tools/synthetic_trace.h) to OUT in the LIRS text format, one decimal
// key per line, gzip-compressed when OUT ends in ".gz"; `gogocache simulate
// OUT --sizes=...` reads it. `gogocache trace --list` prints the families
// instead, one a line: name, cache sizes at scale 1, description.

#ifndef GOGOCACHE_TOOLS_TRACE_COMMAND_H_
#define GOGOCACHE_TOOLS_TRACE_COMMAND_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace gogocache {

struct TraceCommandOptions {
  std::string family;
  double scale = 1.0;
  bool list = false;
};

// Runs the command; `args` are its positional arguments (OUT, or none with
// `list`). On success prints one line saying what was written, with the
// sizes to simulate it at. InvalidArgument for a bad family, scale or
// argument count; the file's error (PermissionDenied, NotFound, ...) naming
// it if it cannot be written.
absl::Status RunTraceCommand(const TraceCommandOptions& options,
                             const std::vector<std::string>& args,
                             std::ostream& out);

// Writes `keys` to `path` as LIRS text, through gzip when `path` ends in
// ".gz". Errors name the path; a file left half-written is removed.
absl::Status WriteLirsTrace(const std::string& path,
                            const std::vector<uint64_t>& keys);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_TRACE_COMMAND_H_
