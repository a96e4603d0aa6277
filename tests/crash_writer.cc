// Copyright 2026 The gogocache Authors.
//
// Child process of crash_test: opens the store SPEC and applies the crash
// workload from operation FIRST on, forever, writing "<op>\n" to stdout after
// each operation is acknowledged. It is killed with SIGKILL by the parent.
//
// Usage: crash_writer SPEC FIRST

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "persistence/open.h"
#include "tests/crash_workload.h"

namespace {

bool WriteAll(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        write(STDOUT_FILENO, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t first = 0;
  if (argc != 3 || !absl::SimpleAtoi(argv[2], &first)) {
    fprintf(stderr, "usage: crash_writer SPEC FIRST\n");
    return 2;
  }
  absl::StatusOr<std::unique_ptr<gogocache::Store>> store =
      gogocache::OpenStore(argv[1]);
  if (!store.ok()) {
    fprintf(stderr, "crash_writer: %s\n", store.status().ToString().c_str());
    return 1;
  }
  namespace workload = gogocache::crash_workload;
  for (uint64_t op = first;; ++op) {
    const std::string key = workload::KeyOf(op);
    const absl::Status status = workload::IsDelete(op)
                                    ? (*store)->Delete(key)
                                    : (*store)->Put(key, workload::ValueOf(op));
    if (!status.ok()) {
      fprintf(stderr, "crash_writer: op %llu: %s\n",
              static_cast<unsigned long long>(op), status.ToString().c_str());
      return 1;
    }
    if (!WriteAll(absl::StrCat(op, "\n"))) return 1;
  }
}
