// Copyright 2026 The gogocache Authors.
//
// The subcommand table and the help printed from it, without the program's
// flags: a test binary defines none of them. `gogocache_test` checks the
// help of the real binary, flags and all.

#include "tools/subcommands.h"

#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gogocache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(SubcommandsTest, FindsEverySubcommandByItsName) {
  for (const Subcommand& subcommand : Subcommands()) {
    EXPECT_EQ(FindSubcommand(subcommand.name), &subcommand);
    EXPECT_TRUE(absl::StartsWith(subcommand.synopsis, subcommand.name))
        << subcommand.synopsis;
  }
  EXPECT_NE(FindSubcommand("demo"), nullptr);
  EXPECT_EQ(FindSubcommand("bogus"), nullptr);
  EXPECT_EQ(FindSubcommand(""), nullptr);
}

TEST(SubcommandsTest, ListLeavesOutTheInternalSubcommands) {
  const std::string list = SubcommandList();
  EXPECT_THAT(list, StartsWith("Usage: gogocache SUBCOMMAND"));
  EXPECT_THAT(list, HasSubstr("\n  demo "));
  EXPECT_THAT(list, HasSubstr("\n  convert SRC DST "));
  EXPECT_THAT(list, Not(HasSubstr("cluster_node")));
  // The synopses without their "[--flags]", which the usage line says once.
  EXPECT_THAT(list, HasSubstr("\n  get KEY... "));
  EXPECT_THAT(list, Not(HasSubstr("get [--flags]")));
  for (absl::string_view line : absl::StrSplit(list, '\n')) {
    EXPECT_LE(line.size(), 79u) << line;
  }
}

TEST(SubcommandsTest, HelpOfASubcommandWithoutFlags) {
  std::ostringstream out;
  ASSERT_TRUE(PrintSubcommandHelp(*FindSubcommand("help"), out));
  EXPECT_THAT(out.str(), StartsWith("Usage: gogocache help [SUBCOMMAND]\n\n"));
  EXPECT_THAT(out.str(), Not(HasSubstr("Flags:")));
}

// This binary defines none of the flags the table names.
TEST(SubcommandsTest, HelpNamingAnUndefinedFlagFailsAndPrintsNothing) {
  std::ostringstream out;
  EXPECT_FALSE(PrintSubcommandHelp(*FindSubcommand("hash"), out));
  EXPECT_EQ(out.str(), "");
}

TEST(SubcommandsTest, AsksForHelpOnlyForTheShortHelpFlags) {
  for (const char* arg : {"-h", "--h", "-help", "--help", "--helpshort"}) {
    EXPECT_TRUE(AsksForHelp(arg)) << arg;
  }
  for (const char* arg : {"help", "h", "--helpfull", "--help=demo", "---help",
                          "--helpon=gogocache_main", ""}) {
    EXPECT_FALSE(AsksForHelp(arg)) << arg;
  }
}

}  // namespace
}  // namespace gogocache
