// The communication thread: calls run in issue order, off the caller's
// thread, and each call's status comes back to whoever waits for it.
#include "runtime/CommThread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace mlc::rt {
namespace {

TEST(CommThread, RunsCallsInIssueOrderOffTheCallersThread) {
  CommThread comm;
  std::vector<int> order;
  std::thread::id caller = std::this_thread::get_id(), ran;
  for (int i = 0; i < 5; ++i)
    comm.issue([&, i] {
      // Later calls must not overtake a slow one.
      if (i == 1)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      order.push_back(i);
      ran = std::this_thread::get_id();
      return Status::ok();
    });
  EXPECT_TRUE(comm.wait(4).isOk());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NE(ran, caller);
  EXPECT_TRUE(comm.drain().isOk());
}

TEST(CommThread, TheCallerGoesOnWhileACallRuns) {
  CommThread comm;
  std::atomic<bool> release{false};
  uint64_t ticket = comm.issue([&] {
    // Waits for the caller, which could not release it if issue() blocked.
    while (!release)
      std::this_thread::yield();
    return Status::ok();
  });
  release = true;
  EXPECT_TRUE(comm.wait(ticket).isOk());
}

TEST(CommThread, AFailureComesBackToTheWaiterAndToDrain) {
  CommThread comm;
  comm.issue([] { return Status::ok(); });
  uint64_t bad = comm.issue([] { return Status::unavailable("peer gone"); });
  comm.issue([] { return Status::ok(); });
  Status s = comm.wait(bad);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.message(), "peer gone");
  Status drained = comm.drain();
  ASSERT_FALSE(drained.isOk());
  EXPECT_EQ(drained.message(), "peer gone");
  // Tickets count from 0 again, and nothing of the last round is left.
  EXPECT_EQ(comm.issue([] { return Status::ok(); }), 0u);
  EXPECT_TRUE(comm.drain().isOk());
  EXPECT_FALSE(comm.wait(3).isOk()); // never issued
}

TEST(CommThread, StoppingWaitsForTheCallsIssued) {
  std::atomic<int> ran{0};
  {
    CommThread comm;
    for (int i = 0; i < 3; ++i)
      comm.issue([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ++ran;
        return Status::ok();
      });
  }
  EXPECT_EQ(ran, 3);
}

} // namespace
} // namespace mlc::rt
