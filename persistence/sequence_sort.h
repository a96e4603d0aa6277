// Copyright 2026 The gogocache Authors.
//
// SequenceSort: sorts (sequence number, key) pairs by sequence number in
// bounded memory, for RocksDbStore::Replay(), which must hand back keys in
// write order while RocksDB iterates them in key order.
//
// An external merge sort. Add() gathers pairs in a buffer of at most
// Options::run_bytes; when it is full, the buffer is sorted and written as a
// run to an unnamed temporary file (O_TMPFILE) in Options::dir, which
// disappears when it is closed, also if the process dies first, so nothing
// is ever left behind. Merge() then merges the runs through read buffers of
// Options::merge_bytes in all (each at least kMinReadBuffer); when there are
// more runs than that allows, it first merges groups of them into longer
// runs, as many levels as needed. Pairs that fit in one buffer never reach
// a file.
//
// Memory: about run_bytes while adding (plus the largest key, if larger),
// merge_bytes and a write buffer while merging, whatever the number of pairs.
// The file holds every pair once per merge level.
//
// When Options::dir is empty, or the file cannot be created there because
// the directory is not writable (a read-only filesystem, missing
// permission, or a filesystem without O_TMPFILE), the runs are kept in
// memory instead: the same merge, but memory then grows with the pairs.
// in_memory() says which.
//
// Sequence numbers are expected to be distinct; pairs with equal numbers
// come out in an unspecified order.
//
// Errors: a failed create, write or read of the file is an absl::Status
// naming the directory and what failed (ResourceExhausted for a full disk
// or a file-size limit, which fails the write rather than ending the
// process); the sort is then unusable. Nothing aborts.
//
// Thread safety: none; one thread at a time.

#ifndef GOGOCACHE_PERSISTENCE_SEQUENCE_SORT_H_
#define GOGOCACHE_PERSISTENCE_SEQUENCE_SORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gogocache {
namespace persistence_internal {

class SortRunFile;  // Where the runs are (sequence_sort.cc).

class SequenceSort {
 public:
  // The smallest read buffer a run is merged through.
  static constexpr size_t kMinReadBuffer = size_t{4} << 10;

  struct Options {
    // Where the runs' file is created; empty: runs are kept in memory.
    std::string dir;
    // The bytes of pairs gathered before they are sorted and written as a
    // run (each pair counts its key and 16 bytes).
    size_t run_bytes = size_t{2} << 20;
    // The bytes of read buffers a merge uses, split across its runs; at
    // least 2 * kMinReadBuffer.
    size_t merge_bytes = size_t{1} << 20;
  };

  explicit SequenceSort(Options options);
  ~SequenceSort();

  SequenceSort(const SequenceSort&) = delete;
  SequenceSort& operator=(const SequenceSort&) = delete;

  // Adds a pair. May write a run; fails if that write does.
  absl::Status Add(uint64_t sequence, absl::string_view key);

  // Calls `visit` with every pair added, in increasing sequence order, until
  // it returns an error, which Merge() then returns. `key` is valid only
  // during the call. Call once, after the last Add().
  absl::Status Merge(
      absl::FunctionRef<absl::Status(uint64_t sequence, absl::string_view key)>
          visit);

  // The number of runs written so far (0 while every pair fits in memory).
  size_t runs() const { return runs_.size(); }
  // True when the runs are kept in memory rather than in a file.
  bool in_memory() const;

 private:
  struct Record {
    uint64_t sequence;
    uint32_t offset;  // Of the key in keys_.
    uint32_t size;
  };
  struct Extent {
    uint64_t begin;
    uint64_t end;
  };

  // Sorts records_ by sequence.
  void SortRecords();
  // Sorts and writes the buffered pairs as a run, and empties the buffer.
  absl::Status Spill();
  // Merges `runs` in sequence order into `visit`.
  absl::Status MergeRuns(
      const std::vector<Extent>& runs,
      absl::FunctionRef<absl::Status(uint64_t sequence, absl::string_view key)>
          visit);

  const Options options_;
  std::vector<Record> records_;
  std::string keys_;
  std::unique_ptr<SortRunFile> file_;  // Created by the first Spill().
  std::vector<Extent> runs_;
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_SEQUENCE_SORT_H_
