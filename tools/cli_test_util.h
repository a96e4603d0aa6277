// Copyright 2026 The gogocache Authors.
//
// For tests that run the gogocache binary in child processes: running it to
// the end with a time limit, a certificate authority and a node certificate
// for 127.0.0.1 made with openssl, and finding processes by their command
// line.

#ifndef GOGOCACHE_TOOLS_CLI_TEST_UTIL_H_
#define GOGOCACHE_TOOLS_CLI_TEST_UTIL_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gogocache {
namespace testing {

// The gogocache binary in the test's runfiles.
std::string GogocachePath();

struct CliRun {
  bool finished = false;  // Within the time limit (else killed).
  int exit_code = -1;     // When it exited.
  std::string out;
  std::string err;
};

// Runs `gogocache ARGS...` to its end, killed after `limit`; its stderr
// goes through a file in `dir`.
CliRun RunGogocache(const std::vector<std::string>& args,
                    const std::string& dir, absl::Duration limit);

// The contents of `path`, or "" when it cannot be read.
std::string ReadFileOrEmpty(const std::string& path);

// Writes ca.pem, node.pem (for IP 127.0.0.1, as server and client) and
// node.key into `dir` with the openssl command; false if it failed.
bool MakeTestTls(const std::string& dir);

// The processes whose command line holds `text`, this one aside.
std::vector<pid_t> ProcessesMentioning(const std::string& text);

}  // namespace testing
}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_CLI_TEST_UTIL_H_
