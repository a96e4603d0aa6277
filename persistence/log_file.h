// Copyright 2026 The gogocache Authors.
//
// LogFile: the flat-file store's open log file: its descriptor, a shared
// read-write mapping of it, and the disk space claimed ahead of the appends,
// so that a full disk is an error at a reservation, never a fault at a later
// copy into the mapping. Internal to //persistence.
//
// How records reach the file, and how its space is claimed, depends on the
// store's durability (LogWriting; Allocate() in the .cc says why each has its
// own).
//
// Thread safety: none of its own. The store serializes reservations, appends
// and trims under its mutex; ClaimAhead() runs without it, on the store's
// background thread, while Reserve() does not run (see PlanAhead()). The
// store shares the file with in-flight syncs and reads through a
// std::shared_ptr, so a compaction that replaces it leaves them their file.

#ifndef GOGOCACHE_PERSISTENCE_LOG_FILE_H_
#define GOGOCACHE_PERSISTENCE_LOG_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "persistence/log_format.h"

namespace gogocache {
namespace persistence_internal {

// How records reach the log file, and how its disk space is claimed ahead of
// them, by durability.
enum class LogWriting {
  kMappedOverZeros,      // kNone: copied into the mapping; zeros written
  kMappedOverAllocated,  // kPeriodic: copied into the mapping; fallocate
  kWrittenOverZeros,     // kAlways: pwrite; zeros written
};

class LogFile {
 public:
  // Takes `fd`. `size`: the file's size now, all of it written. `writing`:
  // how records will reach the file, which decides how Reserve() claims
  // space for them.
  LogFile(int fd, uint64_t size, LogWriting writing);
  ~LogFile();

  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  int fd() const { return fd_; }

  // Makes room for the first `end` bytes of the file, for AppendRecord()
  // and for reading through data(): disk space is allocated for them (and
  // some beyond, so this is rare) before anything is copied, so a full disk
  // is an error here, never a fault later. Not while a reservation ahead is
  // being claimed (the store waits for it).
  absl::Status Reserve(uint64_t end, const std::string& path);

  // Whether the first `end` bytes have room already.
  bool Holds(uint64_t end) const { return end <= allocated_; }

  // Whether Reserve(end) leaves the mapping where it is.
  bool ReserveKeepsMapping(uint64_t end) const {
    return map_ != nullptr && Target(end) <= map_size_;
  }

  // Reservation ahead, under kNone: claiming space and faulting it in is a
  // large share of a small put's work when the put that runs out of room
  // does it, so the store's background thread claims the next reservation
  // while appends go on below the current one. Three steps, of which the slow
  // middle one runs without the store's mutex:
  //   PlanAhead (mutex held): the range to claim, once appends (`end`)
  //     reach AheadAt(); empty if none is due, or if the mapping would have
  //     to move (Reserve() then does it all when appends need it, and
  //     AheadAt() stays out of reach until then, so no append asks again);
  //   ClaimAhead (no mutex; Reserve() must not run meanwhile): claims it and
  //     faults it in; false, with the file cut back, if that failed;
  //   FinishAhead (mutex held): appends may use it.
  // A failed claim is not retried until Reserve() has grown the file, which
  // then reports the error to the put that needs the space.
  struct Ahead {
    char* map = nullptr;
    uint64_t from = 0;
    uint64_t to = 0;
  };
  uint64_t AheadAt() const { return ahead_at_; }
  Ahead PlanAhead(uint64_t end);
  bool ClaimAhead(const Ahead& ahead) const;
  void FinishAhead(const Ahead& ahead, bool claimed);

  char* data() const { return map_; }

  // Writes a record (log_format::EncodeRecordAt's) over [start, end),
  // within what Reserve() made room for: encoded straight into the mapping,
  // or, where records are written with pwrite, encoded into a buffer first.
  // Appends are serialized by the store's mutex, which also guards the
  // buffer.
  absl::Status AppendRecord(log_format::RecordType type, absl::string_view key,
                            absl::string_view value, absl::Time expires,
                            uint64_t start, uint64_t end,
                            const std::string& path);

  // AppendRecord() for a record encoded already.
  absl::Status AppendEncoded(absl::string_view record, uint64_t offset,
                             const std::string& path);

  // Overwrites [from, to) with zeros, as reserved space is.
  absl::Status Zero(uint64_t from, uint64_t to, const std::string& path);

  // Gives back the space allocated beyond `end`.
  absl::Status Trim(uint64_t end, const std::string& path);

 private:
  static constexpr uint64_t kNever = UINT64_MAX;

  // Reservations grow by 1/16 of the file, within bounds.
  uint64_t Growth() const;
  // Where a reservation that must reach `end` ends.
  uint64_t Target(uint64_t end) const;
  void SetAllocated(uint64_t allocated);
  // Faults [from, to) of the file in with one call rather than one fault per
  // page as records land on them.
  void Populate(char* map, uint64_t from, uint64_t to) const;
  // Claims disk space for bytes [from, end) of the file: 0, or the error
  // number. Either way a full disk fails here, not at a later copy.
  int Allocate(uint64_t from, uint64_t end) const;

  const int fd_;
  const LogWriting writing_;
  std::string record_buffer_;  // See AppendRecord().
  uint64_t allocated_ = 0;
  uint64_t ahead_at_ = kNever;  // See AheadAt().
  char* map_ = nullptr;
  uint64_t map_size_ = 0;
};

}  // namespace persistence_internal
}  // namespace gogocache

#endif  // GOGOCACHE_PERSISTENCE_LOG_FILE_H_
