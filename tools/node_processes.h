// Copyright 2026 The gogocache Authors.
//
// The cluster demo's side of its nodes (tools/cluster_node.h): starting the
// processes, waiting for each step of theirs with a deadline, and the
// signals and the temporary directory the demo runs with. Whatever fails,
// destroying a NodeProcesses kills and reaps every node still running.
//
// Thread safety: none; the demo's one thread uses them.

#ifndef GOGOCACHE_TOOLS_NODE_PROCESSES_H_
#define GOGOCACHE_TOOLS_NODE_PROCESSES_H_

#include <signal.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/child_process.h"

namespace gogocache {

// Blocks SIGINT and SIGTERM in the calling thread while it lives, and in
// the threads and processes it starts meanwhile (ChildProcess unblocks
// them in its children). Check() takes them from a signalfd, which poll(2)
// can watch with the nodes' output.
class InterruptSignals {
 public:
  InterruptSignals();
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

  int fd() const { return fd_; }

  // Cancelled naming the signal if one came.
  absl::Status Check();

 private:
  sigset_t old_;
  int fd_ = -1;
};

// A fresh directory under $TMPDIR (or /tmp), removed with the files in it
// when destroyed.
class TempDir {
 public:
  static absl::StatusOr<std::unique_ptr<TempDir>> Make();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  const std::string path_;
};

struct NodeProcessesOptions {
  // Each node's command line (argv[0] the program).
  std::vector<std::vector<std::string>> argvs;
  // Where each node writes its address.
  std::vector<std::string> port_files;
  // The peers file the nodes watch, which AwaitAddresses() writes.
  std::string peers_file;
  // Deadline of every wait unless told otherwise.
  absl::Duration step_timeout = absl::Seconds(60);
};

class NodeProcesses {
 public:
  // `signals` must outlive the NodeProcesses; its signals end any wait.
  NodeProcesses(NodeProcessesOptions options, InterruptSignals& signals)
      : options_(std::move(options)), signals_(signals) {}

  // Starts every node.
  absl::Status Start();

  // Waits for every node's port file, writing the peers file anew with the
  // addresses known each time one more appears.
  absl::Status AwaitAddresses();

  // Waits up to `timeout` for a line "WORD ..." from every node; `rests`
  // gets what follows "WORD " in each.
  absl::Status AwaitAll(absl::string_view word, absl::Duration timeout,
                        std::vector<std::string>* rests = nullptr);

  // Writes `line` to every node.
  absl::Status Tell(absl::string_view line);

  // Waits for every node to exit, each with status 0.
  absl::Status AwaitExits();

  // The nodes' addresses, once AwaitAddresses() returned OK.
  const std::vector<std::string>& addresses() const { return addresses_; }

 private:
  // The error for node `i`, which ended (or closed its pipes) `when`. A
  // node that refused its options (exit status 2) makes it InvalidArgument.
  absl::Status Exited(size_t i, absl::string_view when) const;

  // DeadlineExceeded naming the nodes for which `done` is false, which did
  // not do `what` in time.
  template <typename Done>
  absl::Status Late(absl::string_view what, Done done) const;

  const NodeProcessesOptions options_;
  InterruptSignals& signals_;
  std::vector<std::unique_ptr<ChildProcess>> nodes_;
  std::vector<std::string> addresses_;
};

}  // namespace gogocache

#endif  // GOGOCACHE_TOOLS_NODE_PROCESSES_H_
