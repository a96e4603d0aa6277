// Copyright 2026 The gogocache Authors.

#include "tools/trace.h"

#include <lzma.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gogocache {
namespace {

bool StartsWith(const std::string& bytes, absl::string_view magic) {
  return bytes.size() >= magic.size() &&
         bytes.compare(0, magic.size(), magic.data(), magic.size()) == 0;
}

absl::StatusOr<std::string> Gunzip(const std::string& bytes) {
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    return absl::InternalError("zlib: inflateInit2 failed");
  }
  std::string out;
  char buffer[1 << 16];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  int rc;
  do {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    // Concatenated gzip members: start the next one.
    if (rc == Z_STREAM_END && stream.avail_in > 0) {
      if (inflateReset(&stream) != Z_OK) break;
      rc = Z_OK;
    }
  } while (rc == Z_OK);
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) {
    return absl::DataLossError("gzip stream is damaged or cut short");
  }
  return out;
}

absl::StatusOr<std::string> Unxz(const std::string& bytes) {
  lzma_stream stream = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&stream, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
    return absl::InternalError("liblzma: lzma_stream_decoder failed");
  }
  std::string out;
  uint8_t buffer[1 << 16];
  stream.next_in = reinterpret_cast<const uint8_t*>(bytes.data());
  stream.avail_in = bytes.size();
  lzma_ret rc;
  do {
    stream.next_out = buffer;
    stream.avail_out = sizeof(buffer);
    rc = lzma_code(&stream, stream.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
    out.append(reinterpret_cast<char*>(buffer),
               sizeof(buffer) - stream.avail_out);
  } while (rc == LZMA_OK);
  lzma_end(&stream);
  if (rc != LZMA_STREAM_END) {
    return absl::DataLossError(
        absl::StrCat("xz stream is damaged or cut short (liblzma error ",
                     static_cast<int>(rc), ")"));
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> ParseLirs(const std::string& text) {
  std::vector<uint64_t> keys;
  size_t line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line == "*") continue;
    uint64_t key;
    if (!absl::SimpleAtoi(line, &key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lirs trace, line ", line_number, ": \"", line.substr(0, 40),
          "\" is not an unsigned integer key"));
    }
    keys.push_back(key);
  }
  return keys;
}

absl::StatusOr<std::vector<uint64_t>> ParseCache2k(const std::string& bytes) {
  if (bytes.size() % 4 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cache2k trace: ", bytes.size(),
                     " bytes is not a whole number of 4-byte keys"));
  }
  std::vector<uint64_t> keys(bytes.size() / 4);
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  for (size_t i = 0; i < keys.size(); ++i, b += 4) {
    keys[i] = uint64_t{b[0]} << 24 | uint64_t{b[1]} << 16 |
              uint64_t{b[2]} << 8 | uint64_t{b[3]};
  }
  return keys;
}

}  // namespace

absl::StatusOr<TraceFormat> ParseTraceFormat(absl::string_view name) {
  if (name == "lirs") return TraceFormat::kLirs;
  if (name == "cache2k") return TraceFormat::kCache2k;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown trace format \"", name, "\" (known: lirs, cache2k)"));
}

absl::StatusOr<std::vector<uint64_t>> ParseTrace(std::string bytes,
                                                 TraceFormat format) {
  if (StartsWith(bytes, "\x1f\x8b")) {
    absl::StatusOr<std::string> plain = Gunzip(bytes);
    if (!plain.ok()) return plain.status();
    bytes = *std::move(plain);
  } else if (StartsWith(bytes, absl::string_view("\xfd"
                                                 "7zXZ\0",
                                                 6))) {
    absl::StatusOr<std::string> plain = Unxz(bytes);
    if (!plain.ok()) return plain.status();
    bytes = *std::move(plain);
  }
  return format == TraceFormat::kLirs ? ParseLirs(bytes) : ParseCache2k(bytes);
}

absl::StatusOr<std::vector<uint64_t>> ReadTrace(const std::string& path,
                                                TraceFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error_number = errno;
    return absl::Status(absl::ErrnoToStatusCode(error_number),
                        absl::StrCat("cannot read trace ", path, ": ",
                                     std::strerror(error_number)));
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  absl::StatusOr<std::vector<uint64_t>> keys = ParseTrace(bytes.str(), format);
  if (!keys.ok()) {
    return absl::Status(keys.status().code(),
                        absl::StrCat(path, ": ", keys.status().message()));
  }
  return keys;
}

}  // namespace gogocache
