// Copyright 2026 The gogocache Authors.

#include "persistence/sequence_sort.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"
#include "persistence/file_util.h"

namespace gogocache {
namespace persistence_internal {
namespace {

// A pair as a run stores it: the sequence number (8 bytes) and the key's
// size (4 bytes), least significant byte first, then the key.
constexpr size_t kHeaderSize = 12;
// Bytes gathered before a run's writer writes them.
constexpr size_t kWriteBuffer = size_t{64} << 10;

void AppendHeader(uint64_t sequence, size_t key_size, std::string* out) {
  char header[kHeaderSize];
  for (size_t i = 0; i < 8; ++i)
    header[i] = static_cast<char>(sequence >> (8 * i));
  for (size_t i = 0; i < 4; ++i) {
    header[8 + i] = static_cast<char>(key_size >> (8 * i));
  }
  out->append(header, kHeaderSize);
}

uint64_t DecodeLittleEndian(const char* in, size_t bytes) {
  uint64_t n = 0;
  for (size_t i = 0; i < bytes; ++i) {
    n |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  return n;
}

// The errors of O_TMPFILE that mean the directory takes no file: runs are
// then kept in memory.
bool NotWritable(int error_number) {
  switch (error_number) {
    case EROFS:
    case EACCES:
    case EPERM:
    case EOPNOTSUPP:
    case EISDIR:  // A kernel without O_TMPFILE.
    case EINVAL:
      return true;
  }
  return false;
}

}  // namespace

// Where the runs are: an unnamed temporary file, or memory. Runs are
// appended one after the other; each is read back by its extent.
class SortRunFile {
 public:
  // A file in `dir`, or memory when `dir` is empty or takes no file.
  static absl::Status Create(const std::string& dir,
                             std::unique_ptr<SortRunFile>* file) {
    const std::string name =
        absl::StrCat("unnamed temporary file (O_TMPFILE) in directory ", dir);
    int fd = -1;
    if (!dir.empty()) {
      fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
      if (fd < 0 && !NotWritable(errno)) {
        return file_util::ErrnoError(errno, "cannot create", name);
      }
    }
    file->reset(new SortRunFile(fd, name));
    return absl::OkStatus();
  }

  ~SortRunFile() {
    if (fd_ >= 0) close(fd_);
  }

  bool in_memory() const { return fd_ < 0; }
  uint64_t size() const { return size_; }

  absl::Status Append(absl::string_view bytes) {
    if (in_memory()) {
      memory_.append(bytes.data(), bytes.size());
    } else if (absl::Status status =
                   file_util::WriteAll(fd_, bytes, size_, name_);
               !status.ok()) {
      return status;
    }
    size_ += bytes.size();
    return absl::OkStatus();
  }

  // Reads `n` bytes at `offset`, which Append() wrote.
  absl::Status Read(uint64_t offset, size_t n, char* out) const {
    if (in_memory()) {
      std::memcpy(out, memory_.data() + offset, n);
      return absl::OkStatus();
    }
    while (n > 0) {
      const ssize_t got = pread(fd_, out, n, static_cast<off_t>(offset));
      if (got < 0) {
        if (errno == EINTR) continue;
        return file_util::ErrnoError(errno, "cannot read", name_);
      }
      if (got == 0) {
        return absl::DataLossError(
            absl::StrCat("cannot read ", name_, ": it ends early"));
      }
      out += got;
      n -= static_cast<size_t>(got);
      offset += static_cast<uint64_t>(got);
    }
    return absl::OkStatus();
  }

 private:
  SortRunFile(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}

  const int fd_;  // -1: in memory_.
  const std::string name_;
  std::string memory_;
  uint64_t size_ = 0;
};

namespace {

// Appends pairs to the end of a SortRunFile through a buffer.
class RunWriter {
 public:
  explicit RunWriter(SortRunFile* file) : file_(file) {}

  absl::Status Add(uint64_t sequence, absl::string_view key) {
    AppendHeader(sequence, key.size(), &buffer_);
    buffer_.append(key.data(), key.size());
    return buffer_.size() >= kWriteBuffer ? Flush() : absl::OkStatus();
  }

  absl::Status Flush() {
    absl::Status status = file_->Append(buffer_);
    buffer_.clear();
    return status;
  }

 private:
  SortRunFile* const file_;
  std::string buffer_;
};

// Reads the pairs of one run through a buffer.
class RunReader {
 public:
  RunReader(const SortRunFile* file, uint64_t begin, uint64_t end,
            size_t buffer_size)
      : file_(file), next_(begin), end_(end), buffer_(buffer_size, '\0') {}

  // Reads the next pair into sequence() and key(); `*found` is false at the
  // end of the run.
  absl::Status Next(bool* found) {
    *found = false;
    bool available = false;
    if (absl::Status status = Fill(kHeaderSize, &available); !status.ok()) {
      return status;
    }
    if (!available) return absl::OkStatus();
    sequence_ = DecodeLittleEndian(buffer_.data() + start_, 8);
    const size_t key_size = DecodeLittleEndian(buffer_.data() + start_ + 8, 4);
    if (absl::Status status = Fill(kHeaderSize + key_size, &available);
        !status.ok()) {
      return status;
    }
    if (!available) return absl::DataLossError("a sort run ends in a pair");
    key_ = absl::string_view(buffer_.data() + start_ + kHeaderSize, key_size);
    start_ += kHeaderSize + key_size;
    *found = true;
    return absl::OkStatus();
  }

  uint64_t sequence() const { return sequence_; }
  // Valid until the next Next().
  absl::string_view key() const { return key_; }

 private:
  // Makes `n` bytes from start_ available in the buffer, reading more of the
  // run (and growing the buffer for a key larger than it) as needed;
  // `*available` is false when the run has fewer left.
  absl::Status Fill(size_t n, bool* available) {
    *available = true;
    if (limit_ - start_ >= n) return absl::OkStatus();
    if (limit_ - start_ + (end_ - next_) < n) {
      *available = false;
      return absl::OkStatus();
    }
    std::memmove(&buffer_[0], buffer_.data() + start_, limit_ - start_);
    limit_ -= start_;
    start_ = 0;
    if (buffer_.size() < n) buffer_.resize(n);
    const size_t read = static_cast<size_t>(
        std::min<uint64_t>(buffer_.size() - limit_, end_ - next_));
    if (absl::Status status = file_->Read(next_, read, &buffer_[limit_]);
        !status.ok()) {
      return status;
    }
    next_ += read;
    limit_ += read;
    return absl::OkStatus();
  }

  const SortRunFile* const file_;
  uint64_t next_;  // The run's next byte to read.
  const uint64_t end_;
  std::string buffer_;
  size_t start_ = 0;  // The buffer's next pair.
  size_t limit_ = 0;  // The end of what the buffer holds.
  uint64_t sequence_ = 0;
  absl::string_view key_;
};

}  // namespace

SequenceSort::SequenceSort(Options options) : options_(std::move(options)) {}

SequenceSort::~SequenceSort() = default;

bool SequenceSort::in_memory() const {
  return file_ == nullptr ? options_.dir.empty() : file_->in_memory();
}

absl::Status SequenceSort::Add(uint64_t sequence, absl::string_view key) {
  records_.push_back({sequence, static_cast<uint32_t>(keys_.size()),
                      static_cast<uint32_t>(key.size())});
  keys_.append(key.data(), key.size());
  if (keys_.size() + records_.size() * sizeof(Record) < options_.run_bytes) {
    return absl::OkStatus();
  }
  return Spill();
}

void SequenceSort::SortRecords() {
  std::sort(
      records_.begin(), records_.end(),
      [](const Record& a, const Record& b) { return a.sequence < b.sequence; });
}

absl::Status SequenceSort::Spill() {
  if (file_ == nullptr) {
    if (absl::Status status = SortRunFile::Create(options_.dir, &file_);
        !status.ok()) {
      return status;
    }
  }
  SortRecords();
  const uint64_t begin = file_->size();
  RunWriter writer(file_.get());
  for (const Record& record : records_) {
    if (absl::Status status = writer.Add(
            record.sequence,
            absl::string_view(keys_.data() + record.offset, record.size));
        !status.ok()) {
      return status;
    }
  }
  if (absl::Status status = writer.Flush(); !status.ok()) return status;
  runs_.push_back({begin, file_->size()});
  records_.clear();
  keys_.clear();
  return absl::OkStatus();
}

absl::Status SequenceSort::Merge(
    absl::FunctionRef<absl::Status(uint64_t sequence, absl::string_view key)>
        visit) {
  if (runs_.empty()) {
    SortRecords();
    for (const Record& record : records_) {
      if (absl::Status status = visit(
              record.sequence,
              absl::string_view(keys_.data() + record.offset, record.size));
          !status.ok()) {
        return status;
      }
    }
    return absl::OkStatus();
  }
  if (!records_.empty()) {
    if (absl::Status status = Spill(); !status.ok()) return status;
  }
  // The buffer's memory goes back before the merge takes its own.
  std::vector<Record>().swap(records_);
  std::string().swap(keys_);
  const size_t fan_in =
      std::max<size_t>(2, options_.merge_bytes / kMinReadBuffer);
  std::vector<Extent> level = runs_;
  while (level.size() > fan_in) {
    std::vector<Extent> next;
    for (size_t first = 0; first < level.size(); first += fan_in) {
      const std::vector<Extent> group(
          level.begin() + first,
          level.begin() + std::min(first + fan_in, level.size()));
      if (group.size() == 1) {
        next.push_back(group[0]);
        continue;
      }
      const uint64_t begin = file_->size();
      RunWriter writer(file_.get());
      if (absl::Status status =
              MergeRuns(group,
                        [&](uint64_t sequence, absl::string_view key) {
                          return writer.Add(sequence, key);
                        });
          !status.ok()) {
        return status;
      }
      if (absl::Status status = writer.Flush(); !status.ok()) return status;
      next.push_back({begin, file_->size()});
    }
    level.swap(next);
  }
  return MergeRuns(level, visit);
}

absl::Status SequenceSort::MergeRuns(
    const std::vector<Extent>& runs,
    absl::FunctionRef<absl::Status(uint64_t sequence, absl::string_view key)>
        visit) {
  const size_t buffer_size =
      std::max(kMinReadBuffer, options_.merge_bytes / runs.size());
  std::vector<RunReader> readers;
  readers.reserve(runs.size());
  // The readers with a pair, lowest sequence number on top.
  auto later = [&](size_t a, size_t b) {
    return readers[a].sequence() > readers[b].sequence();
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t i = 0; i < runs.size(); ++i) {
    readers.emplace_back(file_.get(), runs[i].begin, runs[i].end, buffer_size);
    bool found = false;
    if (absl::Status status = readers[i].Next(&found); !status.ok()) {
      return status;
    }
    if (found) heap.push(i);
  }
  while (!heap.empty()) {
    const size_t i = heap.top();
    heap.pop();
    if (absl::Status status = visit(readers[i].sequence(), readers[i].key());
        !status.ok()) {
      return status;
    }
    bool found = false;
    if (absl::Status status = readers[i].Next(&found); !status.ok()) {
      return status;
    }
    if (found) heap.push(i);
  }
  return absl::OkStatus();
}

}  // namespace persistence_internal
}  // namespace gogocache
