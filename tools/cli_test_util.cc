// Copyright 2026 The gogocache Authors.

#include "tools/cli_test_util.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/child_process.h"

namespace gogocache {
namespace testing {

std::string GogocachePath() {
  const char* runfiles = std::getenv("TEST_SRCDIR");
  return runfiles != nullptr
             ? absl::StrCat(runfiles, "/gogocache/tools/gogocache")
             : "tools/gogocache";
}

CliRun RunGogocache(const std::vector<std::string>& args,
                    const std::string& dir, absl::Duration limit) {
  const std::string err_path = dir + "/stderr";
  std::vector<std::string> argv = {GogocachePath()};
  argv.insert(argv.end(), args.begin(), args.end());
  CliRun run;
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({argv, err_path});
  if (!child.ok()) {
    run.err = std::string(child.status().message());
    return run;
  }
  const absl::Time deadline = absl::Now() + limit;
  while (true) {
    absl::StatusOr<std::string> line =
        (*child)->ReadLine(deadline - absl::Now());
    if (!line.ok()) break;  // Its output closed, or the time is up.
    absl::StrAppend(&run.out, *line, "\n");
  }
  run.finished = (*child)->Wait(deadline - absl::Now()).ok();
  (*child)->Kill();
  run.exit_code = (*child)->exit_code();
  run.err = ReadFileOrEmpty(err_path);
  unlink(err_path.c_str());
  return run;
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

bool MakeTestTls(const std::string& dir) {
  // EC P-256 keys: quick to make. The node's certificate names 127.0.0.1
  // (clients check it) and serves both ends of mutual TLS.
  constexpr char kScript[] = R"(set -e
cd "$1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout node.key -out node.csr -subj /CN=test-node
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > ext
openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days 2 -extfile ext -out node.pem
)";
  const std::string script = dir + "/make_tls.sh";
  {
    std::ofstream file(script);
    file << kScript;
  }
  absl::StatusOr<std::unique_ptr<ChildProcess>> shell =
      ChildProcess::Start({{"/bin/sh", script, dir}, dir + "/make_tls.log"});
  return shell.ok() && (*shell)->Wait(absl::Seconds(30)).ok() &&
         (*shell)->exit_code() == 0;
}

std::vector<pid_t> ProcessesMentioning(const std::string& text) {
  std::vector<pid_t> found;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return found;
  while (dirent* entry = readdir(proc)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid) || pid == getpid()) continue;
    std::string cmdline =
        ReadFileOrEmpty(absl::StrCat("/proc/", pid, "/cmdline"));
    if (cmdline.find(text) != std::string::npos) found.push_back(pid);
  }
  closedir(proc);
  return found;
}

}  // namespace testing
}  // namespace gogocache
