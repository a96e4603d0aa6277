// Copyright 2026 The gogocache Authors.
//
// ProgressBar: a one-line bar on a terminal for long store operations
// (`gogocache verify`, `compact`, `convert`, ...). Drawn only when enabled
// (the stream is a terminal and --quiet is off); otherwise every call is a
// no-op, so callers need not check. Redraws at most every 100 ms.
//
// Thread safety: not thread-safe; call from one thread at a time.

#ifndef GOGOCACHE_TOOLS_PROGRESS_BAR_H_
#define GOGOCACHE_TOOLS_PROGRESS_BAR_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace gogocache {

class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, std::string label)
      : out_(out), enabled_(enabled), label_(std::move(label)) {}
  ~ProgressBar() { Finish(); }

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(uint64_t done, uint64_t total) {
    if (!enabled_ || finished_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && done < total &&
        now - last_draw_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_draw_ = now;
    drawn_ = true;
    constexpr int kWidth = 30;
    const double fraction =
        total == 0 ? 1.0
                   : static_cast<double>(done < total ? done : total) / total;
    const int filled = static_cast<int>(fraction * kWidth);
    out_ << "\r" << label_ << " [" << std::string(filled, '#')
         << std::string(kWidth - filled, ' ') << "] "
         << static_cast<int>(fraction * 100) << "%\x1b[K" << std::flush;
  }

  // Ends the line; later updates are ignored.
  void Finish() {
    if (enabled_ && drawn_ && !finished_) out_ << "\n" << std::flush;
    finished_ = true;
  }

 private:
  std::ostream& out_;
  const bool enabled_;
  const std::string label_;
  bool drawn_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_PROGRESS_BAR_H_
