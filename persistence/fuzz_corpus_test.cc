// Copyright 2026 The gogocache Authors.
//
// Runs every file of the fuzzer's seed corpus through LLVMFuzzerTestOneInput
// in an ordinary build, so the fuzz target's promises are checked by the
// plain test suite and under every sanitizer configuration too.

#include <dirent.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string g_corpus_dir;

TEST(FuzzCorpusTest, EverySeedKeepsThePromises) {
  DIR* dir = opendir(g_corpus_dir.c_str());
  ASSERT_NE(dir, nullptr) << g_corpus_dir;
  std::vector<std::string> files;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') files.push_back(entry->d_name);
  }
  closedir(dir);
  ASSERT_GE(files.size(), 5u);
  for (const std::string& name : files) {
    SCOPED_TRACE(name);
    std::ifstream in(g_corpus_dir + "/" + name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const std::string input = bytes.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()),
                           input.size());
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) return 2;
  g_corpus_dir = argv[1];
  return RUN_ALL_TESTS();
}
