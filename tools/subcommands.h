// Copyright 2026 The gogocache Authors.
//
// The `gogocache` command's subcommands: what each one does and which flags
// it reads (Subcommands()), and the help printed from that table:
// `gogocache --help` lists the subcommands, `gogocache SUBCOMMAND --help`
// prints one. The flags themselves are defined in gogocache_main.cc; their
// help text and defaults are looked up by name in Abseil's flag registry
// when the help is printed.

#ifndef GOGOCACHE_TOOLS_SUBCOMMANDS_H_
#define GOGOCACHE_TOOLS_SUBCOMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gogocache {

// What `gogocache NAME --help` prints, and the flags NAME reads.
struct Subcommand {
  absl::string_view name;
  // After "gogocache ": NAME [--flags] ARGS.
  absl::string_view synopsis;
  // A line of the subcommand list.
  absl::string_view summary;
  // Paragraphs, one per '\n'; wrapped when printed.
  std::string description;
  // In the order --help prints them, each with its help and default from
  // the flag itself (absl::FindCommandLineFlag).
  std::vector<absl::string_view> flags;
  // Run by the program itself, and left out of the list.
  bool internal = false;
};

// Every subcommand, in the order `gogocache --help` lists them.
const std::vector<Subcommand>& Subcommands();

// The subcommand called `name`, or null.
const Subcommand* FindSubcommand(absl::string_view name);

// `gogocache --help`: the subcommands, without their flags.
std::string SubcommandList();

// `gogocache NAME --help`: what NAME does, its arguments, and the flags it
// reads with their defaults. False, with the reason on stderr, if the table
// names a flag that is not defined.
bool PrintSubcommandHelp(const Subcommand& subcommand, std::ostream& out);

// Whether `arg` asks for help: -h, --help, -help or --helpshort, with no
// value. Abseil's other usage flags (--helpfull, --help=SUBSTRING, ...) are
// left to it.
bool AsksForHelp(absl::string_view arg);

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_SUBCOMMANDS_H_
