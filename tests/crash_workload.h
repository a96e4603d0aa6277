// Copyright 2026 The gogocache Authors.
//
// The write sequence of the crash test, shared by the child that writes it
// (crash_writer) and the parent that checks what survived (crash_test).
// Operation i touches key i % kKeys: every tenth is a delete, the rest put a
// value that names i and has a length of its own, so a value from the wrong
// operation, a cut one or a damaged one is recognised. Every seventh put is
// large (64 to 320 KiB, several blocks of the flat file's log) and made of
// encoded log records of a key outside the key space ("admin"), so that a
// kill during its write leaves a cut value of records: recovery must not
// serve them.

#ifndef GOGOCACHE_TESTS_CRASH_WORKLOAD_H_
#define GOGOCACHE_TESTS_CRASH_WORKLOAD_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace crash_workload {

inline constexpr uint64_t kKeys = 300;

inline std::string KeyOf(uint64_t op) {
  return absl::StrCat("key", op % kKeys);
}

inline bool IsDelete(uint64_t op) { return op % 10 == 9; }

inline std::string ValueOf(uint64_t op) {
  if (op % 7 == 3) {
    std::string records;
    const size_t size = (64 << 10) + (op * 7919) % (256 << 10);
    std::string record(log_format::RecordSize(5, 13), '\0');
    log_format::EncodeRecord(log_format::RecordType::kPut, "admin",
                             "evil-injected", record.data());
    while (records.size() < size) records += record;
    return absl::StrCat("op=", op, ";", records, ";end");
  }
  const size_t padding = (op * 7919) % 3000;
  return absl::StrCat("op=", op, ";",
                      std::string(padding, static_cast<char>('a' + op % 26)),
                      ";end");
}

}  // namespace crash_workload
}  // namespace gogocache

#endif  // GOGOCACHE_TESTS_CRASH_WORKLOAD_H_
