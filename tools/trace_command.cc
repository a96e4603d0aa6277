// Copyright 2026 The gogocache Authors.

#include "tools/trace_command.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/synthetic_trace.h"

namespace gogocache {
namespace {

// `text` as one gzip member.
absl::StatusOr<std::string> Gzip(const std::string& text) {
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,
                   8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("zlib: deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) {
    return absl::InternalError(absl::StrCat("zlib: deflate failed (", rc, ")"));
  }
  return out;
}

absl::Status ErrnoError(int error_number, const std::string& path) {
  return absl::Status(
      absl::ErrnoToStatusCode(error_number),
      absl::StrCat("cannot write ", path, ": ", std::strerror(error_number)));
}

absl::Status ListFamilies(std::ostream& out) {
  for (const SyntheticTrace& trace : SyntheticTraces()) {
    out << absl::StrFormat("%-18s %-18s %s\n", trace.name,
                           absl::StrJoin(trace.sizes, ","), trace.description);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteLirsTrace(const std::string& path,
                            const std::vector<uint64_t>& keys) {
  std::string bytes;
  bytes.reserve(keys.size() * 8);
  for (uint64_t key : keys) absl::StrAppend(&bytes, key, "\n");
  if (absl::EndsWith(path, ".gz")) {
    absl::StatusOr<std::string> compressed = Gzip(bytes);
    if (!compressed.ok()) return compressed.status();
    bytes = *std::move(compressed);
  }
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return ErrnoError(errno, path);
  const bool written =
      std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (written && closed) return absl::OkStatus();
  const int error_number = written ? errno : write_errno;
  // Not a device such as /dev/full: only a regular file is removed.
  struct stat info;
  if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
    std::remove(path.c_str());
  }
  return ErrnoError(error_number, path);
}

absl::Status RunTraceCommand(const TraceCommandOptions& options,
                             const std::vector<std::string>& args,
                             std::ostream& out) {
  if (options.list) {
    if (!args.empty() || !options.family.empty()) {
      return absl::InvalidArgumentError(
          "trace --list takes no file and no --family");
    }
    return ListFamilies(out);
  }
  if (args.size() != 1 || options.family.empty()) {
    return absl::InvalidArgumentError(
        "trace takes --family=NAME and one output file (--list for the "
        "families)");
  }
  absl::StatusOr<GeneratedTrace> trace =
      GenerateSyntheticTrace(options.family, options.scale);
  if (!trace.ok()) return trace.status();
  if (absl::Status status = WriteLirsTrace(args[0], trace->keys);
      !status.ok()) {
    return status;
  }
  out << absl::StrFormat("%s: %d accesses of %s; simulate with --sizes=%s\n",
                         args[0], trace->keys.size(), options.family,
                         absl::StrJoin(trace->sizes, ","));
  return absl::OkStatus();
}

}  // namespace gogocache
