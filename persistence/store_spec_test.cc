// Copyright 2026 The gogocache Authors.
//
// Spec strings as OpenStore() reads them: ParseStoreSpec(), FormatStoreSpec()
// and the option values a spec may give; no file is touched. The Store
// contract on every backend, and OpenStore() of options out of range, are in
// open_test.cc.

#include <cstdint>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/open.h"

namespace gogocache {
namespace {

// ParseStoreSpec(spec) is InvalidArgument with `text` in its message.
void ExpectRefusedSaying(absl::string_view spec, absl::string_view text) {
  const absl::StatusOr<StoreSpec> parsed = ParseStoreSpec(spec);
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status()))
      << spec << ": " << parsed.status();
  EXPECT_NE(parsed.status().message().find(text), absl::string_view::npos)
      << spec << ": " << parsed.status();
}

TEST(ParseDurabilityTest, NamesEachPolicyAndRefusesOthers) {
  EXPECT_EQ(*ParseDurability("none"), Durability::kNone);
  EXPECT_EQ(*ParseDurability("periodic"), Durability::kPeriodic);
  EXPECT_EQ(*ParseDurability("always"), Durability::kAlways);
  for (const char* bad : {"", "Always", "sometimes", "none "}) {
    const absl::StatusOr<Durability> parsed = ParseDurability(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_NE(parsed.status().message().find(absl::StrCat("\"", bad, "\"")),
              absl::string_view::npos)
        << parsed.status();
  }
}

TEST(ParseStoreSpecTest, ReadsSchemePathAndParameters) {
  absl::StatusOr<StoreSpec> spec = ParseStoreSpec(
      "file:/var/cache/a.log?durability=always&strict=true&compact_ratio=0.25"
      "&sync_ms=7&compact_min_bytes=1024");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->scheme(), "file");
  EXPECT_EQ(spec->path, "/var/cache/a.log");
  EXPECT_EQ(spec->common().durability, Durability::kAlways);
  const FlatFileStoreOptions& file =
      std::get<FlatFileStoreOptions>(spec->options);
  EXPECT_TRUE(file.strict);
  EXPECT_EQ(file.compaction_garbage_ratio, 0.25);
  EXPECT_EQ(spec->common().sync_interval, absl::Milliseconds(7));
  EXPECT_EQ(file.compaction_min_bytes, 1024u);
  spec = ParseStoreSpec("rocksdb:relative/dir");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->scheme(), "rocksdb");
  EXPECT_EQ(spec->path, "relative/dir");
}

TEST(ParseStoreSpecTest, NumericParametersAreRangeChecked) {
  struct Bad {
    const char* spec;
    const char* range;  // What the message says is allowed.
  };
  for (const Bad& bad : {
           Bad{"file:/x?sync_ms=10000000000000",
               "sync_ms: expected whole "
               "milliseconds from 1 to "
               "3600000"},
           Bad{"rocksdb:/x?sync_ms=3600001", "from 1 to 3600000"},
           Bad{"file:/x?sync_ms=0", "from 1 to 3600000"},
           Bad{"file:/x?sync_ms=99999999999999999999999", "from 1 to 3600000"},
           Bad{"file:/x?sync_ms=1.5", "from 1 to 3600000"},
           Bad{"file:/x?compact_min_bytes=281474976710657",
               "compact_min_bytes: expected a byte count from 0 to 2^48"},
           Bad{"file:/x?compact_min_bytes=-1", "from 0 to 2^48"},
           Bad{"file:/x?compact_ratio=nan",
               "compact_ratio: expected a "
               "decimal number in (0, 1]"},
           Bad{"file:/x?compact_ratio=NaN", "in (0, 1]"},
           Bad{"file:/x?compact_ratio=inf", "in (0, 1]"},
           Bad{"file:/x?compact_ratio=-inf", "in (0, 1]"},
           Bad{"file:/x?compact_ratio=infinity", "in (0, 1]"},
           Bad{"file:/x?compact_ratio=0", "in (0, 1]"},
           Bad{"file:/x?compact_ratio=1.0000001", "in (0, 1]"},
           Bad{"file:/x?compact_ratio=0x1p-1", "in (0, 1]"},
           Bad{"file:/x?durability=sometimes",
               "durability: expected none, periodic or always"},
           Bad{"file:/x?strict=perhaps", "strict: expected true or false"},
       }) {
    ExpectRefusedSaying(bad.spec, bad.spec);
    ExpectRefusedSaying(bad.spec, bad.range);
  }
  // The limits themselves are accepted.
  absl::StatusOr<StoreSpec> spec = ParseStoreSpec(
      "file:/x?sync_ms=3600000&compact_min_bytes=281474976710656"
      "&compact_ratio=1");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->common().sync_interval, absl::Hours(1));
  EXPECT_EQ(std::get<FlatFileStoreOptions>(spec->options).compaction_min_bytes,
            uint64_t{1} << 48);
  EXPECT_EQ(
      std::get<FlatFileStoreOptions>(spec->options).compaction_garbage_ratio,
      1.0);
  spec = ParseStoreSpec(
      "file:/x?sync_ms=1&compact_min_bytes=0"
      "&compact_ratio=2.5e-1");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->common().sync_interval, absl::Milliseconds(1));
  EXPECT_EQ(std::get<FlatFileStoreOptions>(spec->options).compaction_min_bytes,
            0u);
  EXPECT_EQ(
      std::get<FlatFileStoreOptions>(spec->options).compaction_garbage_ratio,
      0.25);
}

TEST(ParseStoreSpecTest, DefaultsFillWhatTheSpecDoesNotSet) {
  StoreOptions defaults;
  defaults.durability = Durability::kPeriodic;
  defaults.sync_interval = absl::Milliseconds(5);
  defaults.read_only = true;
  for (const char* scheme : {"file", "rocksdb"}) {
    SCOPED_TRACE(scheme);
    absl::StatusOr<StoreSpec> spec =
        ParseStoreSpec(absl::StrCat(scheme, ":/x?sync_ms=9"), defaults);
    ASSERT_TRUE(spec.ok()) << spec.status();
    EXPECT_EQ(spec->scheme(), scheme);
    EXPECT_EQ(spec->common().durability, Durability::kPeriodic);
    EXPECT_EQ(spec->common().sync_interval, absl::Milliseconds(9));
    EXPECT_TRUE(spec->common().read_only);
  }
  // A file's own options keep their defaults.
  absl::StatusOr<StoreSpec> spec = ParseStoreSpec("file:/x", defaults);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(std::get<FlatFileStoreOptions>(spec->options).compaction_min_bytes,
            FlatFileStoreOptions().compaction_min_bytes);
}

TEST(ParseStoreSpecTest, RepeatedAndEmptyParametersAreRefused) {
  struct Bad {
    const char* spec;
    const char* why;
  };
  for (const Bad& bad : {
           Bad{"file:/x?durability=none&durability=always",
               "parameter durability is given twice"},
           Bad{"rocksdb:/x?sync_ms=5&sync_ms=5",
               "parameter sync_ms is given twice"},
           Bad{"file:/x?", "empty parameter name"},
           Bad{"file:/x?&durability=none", "empty parameter name"},
           Bad{"file:/x?durability=none&", "empty parameter name"},
           Bad{"file:/x?durability=none&&strict=true", "empty parameter name"},
           Bad{"file:/x?=always", "empty parameter name"},
           Bad{"file:/x?strict", "bad value \"\" for parameter strict"},
       }) {
    ExpectRefusedSaying(bad.spec, bad.why);
  }
}

TEST(ParseStoreSpecTest, PathEscapesAreDecoded) {
  absl::StatusOr<StoreSpec> spec =
      ParseStoreSpec("file:/tmp/a%3Fb%3fc%25d%20e:f?durability=always");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->path, "/tmp/a?b?c%d e:f");
  EXPECT_EQ(spec->common().durability, Durability::kAlways);
  for (const char* bad : {"file:/tmp/100%", "file:/tmp/%4", "file:/tmp/%G1x",
                          "file:/tmp/%%", "rocksdb:/tmp/a%00b"}) {
    ExpectRefusedSaying(bad, "escape");
  }
}

TEST(FormatStoreSpecTest, RoundTripsThroughParseStoreSpec) {
  EXPECT_EQ(FormatStoreSpec("file", "/var/cache/app.log"),
            "file:/var/cache/app.log");
  EXPECT_EQ(FormatStoreSpec("rocksdb", "/tmp/a?b%c"), "rocksdb:/tmp/a%3Fb%25c");
  for (const char* scheme : {"file", "rocksdb"}) {
    for (const char* path :
         {"/var/cache/app.log", "relative/dir", "/tmp/what?", "?",
          "/tmp/a?durability=always", "/tmp/100%", "%", "/tmp/%3F", "/tmp/%%25",
          "/tmp/a&b=c", "/tmp/with space/x y ", "colon:in:path", "/tmp/?&=% ",
          "/tmp/\xc3\xa9\t\n"}) {
      SCOPED_TRACE(path);
      const std::string formatted = FormatStoreSpec(scheme, path);
      absl::StatusOr<StoreSpec> spec = ParseStoreSpec(formatted);
      ASSERT_TRUE(spec.ok()) << spec.status();
      EXPECT_EQ(spec->scheme(), scheme);
      EXPECT_EQ(spec->path, path);
      EXPECT_EQ(spec->common().durability, Durability::kNone);
      // Parameters may follow.
      spec = ParseStoreSpec(formatted + "?durability=always");
      ASSERT_TRUE(spec.ok()) << spec.status();
      EXPECT_EQ(spec->path, path);
      EXPECT_EQ(spec->common().durability, Durability::kAlways);
    }
  }
}

TEST(ParseStoreSpecTest, BadSpecsAreInvalidArgumentNamingThem) {
  for (const char* bad :
       {"redis:/tmp/x", "/tmp/no-scheme", "file:", "file:/x?durability=often",
        "file:/x?colour=red", "rocksdb:/x?strict=true", "file:/x?sync_ms=-5",
        "file:/x?compact_ratio=1.5"}) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(store.status())) << bad;
    EXPECT_NE(store.status().message().find(bad), absl::string_view::npos)
        << store.status();
  }
}

}  // namespace
}  // namespace gogocache
