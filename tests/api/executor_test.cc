#include "api/executor.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/synchronization/notification.h"

namespace allies::api {
namespace {

TEST(ExecutorTest, RunsEveryTask) {
  std::atomic<int> ran{0};
  {
    Executor executor(4, 1000);
    for (int i = 0; i < 500; ++i) ASSERT_TRUE(executor.TrySchedule([&] { ++ran; }));
  }  // the destructor runs what is queued
  EXPECT_EQ(ran.load(), 500);
}

TEST(ExecutorTest, RefusesBeyondTheQueueBound) {
  absl::Notification release, started;
  Executor executor(1, 2);
  ASSERT_TRUE(executor.TrySchedule([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();  // the worker is busy; the queue is empty
  EXPECT_TRUE(executor.TrySchedule([] {}));
  EXPECT_TRUE(executor.TrySchedule([] {}));
  EXPECT_FALSE(executor.TrySchedule([] {}));
  release.Notify();
}

}  // namespace
}  // namespace allies::api
