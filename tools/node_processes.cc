// Copyright 2026 The gogocache Authors.

#include "tools/node_processes.h"

#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "peer/peer_list.h"
#include "tools/serve_command.h"

namespace gogocache {
namespace {

// The file's first line; empty when it is missing or empty.
std::string FirstLine(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

}  // namespace

InterruptSignals::InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, &old_);
  fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

InterruptSignals::~InterruptSignals() {
  if (fd_ >= 0) close(fd_);
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

absl::Status InterruptSignals::Check() {
  signalfd_siginfo info;
  if (fd_ >= 0 && read(fd_, &info, sizeof(info)) == sizeof(info)) {
    return absl::CancelledError(absl::StrCat("demo: interrupted (",
                                             strsignal(info.ssi_signo),
                                             "); the nodes were stopped"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TempDir>> TempDir::Make() {
  const char* tmp = getenv("TMPDIR");
  std::string path = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                                  "/gogocache-demo.XXXXXX");
  if (mkdtemp(path.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("demo: cannot make a directory ",
                                            path, ": ", strerror(errno)));
  }
  return std::unique_ptr<TempDir>(new TempDir(std::move(path)));
}

TempDir::~TempDir() {
  if (DIR* dir = opendir(path_.c_str())) {
    while (dirent* entry = readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") unlink((path_ + "/" + name).c_str());
    }
    closedir(dir);
  }
  rmdir(path_.c_str());
}

absl::Status NodeProcesses::Start() {
  for (const std::vector<std::string>& argv : options_.argvs) {
    absl::StatusOr<std::unique_ptr<ChildProcess>> child =
        ChildProcess::Start({argv, ""});
    if (!child.ok()) return child.status();
    nodes_.push_back(*std::move(child));
  }
  return absl::OkStatus();
}

template <typename Done>
absl::Status NodeProcesses::Late(absl::string_view what, Done done) const {
  std::vector<size_t> late;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!done(i)) late.push_back(i);
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "demo: node", late.size() == 1 ? " " : "s ", absl::StrJoin(late, ", "),
      " never ", what, " (a step may take ",
      absl::FormatDuration(options_.step_timeout), ")"));
}

absl::Status NodeProcesses::AwaitAddresses() {
  addresses_.assign(nodes_.size(), "");
  const absl::Time deadline = absl::Now() + options_.step_timeout;
  size_t known = 0;
  while (known < nodes_.size()) {
    if (absl::Status status = signals_.Check(); !status.ok()) return status;
    bool changed = false;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!addresses_[i].empty()) continue;
      const std::string address = FirstLine(options_.port_files[i]);
      if (!address.empty()) {
        if (absl::Status status = CheckPeerAddress(address); !status.ok()) {
          return absl::InternalError(
              absl::StrCat("demo: node ", i, ": ", status.message()));
        }
        addresses_[i] = address;
        ++known;
        changed = true;
      } else if (nodes_[i]->TryReap()) {
        return Exited(i, "before it wrote its port file");
      }
    }
    if (changed) {
      std::vector<std::string> list;
      for (const std::string& a : addresses_) {
        if (!a.empty()) list.push_back(a);
      }
      if (absl::Status status = WriteFileAtomically(
              options_.peers_file, absl::StrJoin(list, "\n") + "\n");
          !status.ok()) {
        return status;
      }
    }
    if (known < nodes_.size()) {
      if (absl::Now() >= deadline) {
        return Late("wrote a port file",
                    [&](size_t i) { return !addresses_[i].empty(); });
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return absl::OkStatus();
}

absl::Status NodeProcesses::AwaitAll(absl::string_view word,
                                     absl::Duration timeout,
                                     std::vector<std::string>* rests) {
  std::vector<std::optional<std::string>> got(nodes_.size());
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (absl::Status status = signals_.Check(); !status.ok()) return status;
    std::vector<pollfd> fds = {{signals_.fd(), POLLIN, 0}};
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (got[i].has_value()) continue;
      const bool open = nodes_[i]->ReadAvailable();
      while (std::optional<std::string> line = nodes_[i]->TakeLine()) {
        absl::string_view rest = *line;
        if (rest != word &&
            !absl::ConsumePrefix(&rest, absl::StrCat(word, " "))) {
          return absl::InternalError(
              absl::StrCat("demo: node ", i, " said \"", line->substr(0, 80),
                           "\" when \"", word, "\" was expected"));
        }
        got[i] = std::string(rest);
        break;
      }
      if (got[i].has_value()) continue;
      if (!open) {
        nodes_[i]->Wait(absl::Seconds(5)).IgnoreError();
        return Exited(i, absl::StrCat("before it said \"", word, "\""));
      }
      fds.push_back({nodes_[i]->stdout_fd(), POLLIN, 0});
    }
    if (fds.size() == 1) break;
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return Late(absl::StrCat("said \"", word, "\""),
                  [&](size_t i) { return got[i].has_value(); });
    }
    poll(fds.data(), fds.size(),
         static_cast<int>(
             std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 1000)));
  }
  if (rests != nullptr) {
    rests->clear();
    for (std::optional<std::string>& rest : got) rests->push_back(*rest);
  }
  return absl::OkStatus();
}

absl::Status NodeProcesses::Tell(absl::string_view line) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->WriteLine(line).ok()) {
      nodes_[i]->Wait(absl::Seconds(5)).IgnoreError();
      return Exited(i, absl::StrCat("before it was told \"", line, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status NodeProcesses::AwaitExits() {
  const absl::Time deadline = absl::Now() + options_.step_timeout;
  while (true) {
    if (absl::Status status = signals_.Check(); !status.ok()) return status;
    bool all = true;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i]->TryReap()) {
        all = false;
      } else if (nodes_[i]->exit_code() != 0) {
        return Exited(i, "after its report");
      }
    }
    if (all) return absl::OkStatus();
    if (absl::Now() >= deadline) {
      return Late("exited after reporting",
                  [&](size_t i) { return nodes_[i]->TryReap(); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

absl::Status NodeProcesses::Exited(size_t i, absl::string_view when) const {
  const std::string how = nodes_[i]->wait_status().has_value()
                              ? nodes_[i]->DescribeExit()
                              : "closed its input and output";
  const std::string message =
      absl::StrCat("demo: node ", i, " ", how, " ", when,
                   " (its own message, if any, is above)");
  return nodes_[i]->exit_code() == 2 ? absl::InvalidArgumentError(message)
                                     : absl::InternalError(message);
}

}  // namespace gogocache
