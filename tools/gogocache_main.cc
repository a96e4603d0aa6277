// Copyright 2026 The gogocache Authors.
//
// The `gogocache` command. Usage: gogocache SUBCOMMAND [--flags] [ARGS...]
//   hash KEY...   each strategy's hash, shard and peer bucket for the keys

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "tools/hash_command.h"

ABSL_FLAG(uint32_t, shards, 16, "hash: number of cache shards");
ABSL_FLAG(int32_t, buckets, 8, "hash: number of peers for jump hashing");

namespace {

constexpr char kUsage[] =
    "gogocache SUBCOMMAND [--flags] [ARGS...]\n"
    "subcommands:\n"
    "  hash KEY...  print each strategy's hash, shard (--shards) and peer\n"
    "               bucket (--buckets) for the keys\n"
    "Run `gogocache SUBCOMMAND --help` for the flags.";

int Fail(const absl::Status& status) {
  std::cerr << "gogocache: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  if (argc < 2 || argv[1][0] == '-') {
    std::cerr << kUsage << "\n";
    return 2;
  }
  const std::string subcommand = argv[1];
  // Flags follow the subcommand: parse argv without it.
  std::vector<char*> rest = {argv[0]};
  rest.insert(rest.end(), argv + 2, argv + argc);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(rest.size()), rest.data());
  const std::vector<std::string> args(positional.begin() + 1, positional.end());

  if (subcommand == "hash") {
    gogocache::HashCommandOptions options;
    options.shards = absl::GetFlag(FLAGS_shards);
    options.buckets = absl::GetFlag(FLAGS_buckets);
    const absl::Status status = RunHashCommand(options, args, std::cout);
    return status.ok() ? 0 : Fail(status);
  }
  std::cerr << "gogocache: unknown subcommand \"" << subcommand << "\"\n"
            << kUsage << "\n";
  return 2;
}
