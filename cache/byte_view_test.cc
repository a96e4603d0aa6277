// Copyright 2026 The gogocache Authors.

#include "cache/byte_view.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace gogocache {
namespace {

TEST(ByteViewTest, DefaultIsEmpty) {
  ByteView view;
  EXPECT_TRUE(view.empty());
  EXPECT_EQ(view.size(), 0u);
  EXPECT_EQ(view.view(), "");
  EXPECT_EQ(view, ByteView::CopyOf(""));
}

TEST(ByteViewTest, CopyOfTakesACopy) {
  std::string source = "hello";
  const ByteView view = ByteView::CopyOf(source);
  source[0] = 'j';
  EXPECT_EQ(view, "hello");
  EXPECT_NE(view.data(), source.data());
}

TEST(ByteViewTest, CopiesShareTheBytes) {
  const ByteView a = ByteView::CopyOf("shared bytes");
  const ByteView b = a;  // NOLINT(performance-unnecessary-copy-initialization)
  ByteView c;
  c = b;
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(a.data(), c.data());
  EXPECT_EQ(c, "shared bytes");
}

TEST(ByteViewTest, BytesOutliveTheOriginal) {
  ByteView survivor;
  {
    ByteView original = ByteView::CopyOf("still here");
    survivor = original;
  }
  EXPECT_EQ(survivor, "still here");
}

TEST(ByteViewTest, MoveLeavesTheSourceEmpty) {
  ByteView a = ByteView::CopyOf("moving");
  const char* data = a.data();
  ByteView b = std::move(a);
  EXPECT_EQ(b.data(), data);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move)
  a = std::move(b);
  EXPECT_EQ(a, "moving");
}

TEST(ByteViewTest, HoldsAnyBytes) {
  const std::string binary("a\0b\n\xff", 5);
  const ByteView view = ByteView::CopyOf(binary);
  EXPECT_EQ(view.size(), 5u);
  EXPECT_EQ(view.ToString(), binary);
  EXPECT_EQ(view[1], '\0');
}

// Many threads copying and dropping views of one buffer: the count must stay
// exact (ASan catches an early free, TSan a missing ordering).
TEST(ByteViewTest, ConcurrentCopiesAndDrops) {
  const ByteView original = ByteView::CopyOf(std::string(1000, 'x'));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&original] {
      for (int i = 0; i < 20000; ++i) {
        ByteView copy = original;
        ASSERT_EQ(copy.size(), 1000u);
        ASSERT_EQ(copy[999], 'x');
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(original, std::string(1000, 'x'));
}

}  // namespace
}  // namespace gogocache
