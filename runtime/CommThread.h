// A thread that runs a session's collectives in the order they are issued
// while the device goes on computing, so that a gradient bucket's
// all-reduce overlaps the rest of the backward pass.
#ifndef MLC_RUNTIME_COMMTHREAD_H
#define MLC_RUNTIME_COMMTHREAD_H

#include "runtime/Status.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace mlc::rt {

/// Runs calls one at a time, in issue order, on a thread of its own (the
/// order is what keeps every rank's collectives matched). Only one thread
/// issues and waits. A communicator used here must take calls from a
/// thread that did not create it, one at a time (MPI_THREAD_SERIALIZED).
class CommThread {
public:
  CommThread();
  /// Waits for the calls issued and stops the thread.
  ~CommThread();
  CommThread(const CommThread &) = delete;
  CommThread &operator=(const CommThread &) = delete;

  /// Queues `call`; returns its ticket, counting from 0 since the last
  /// drain().
  uint64_t issue(std::function<Status()> call);
  /// Returns when call `ticket` (and every call issued before it) has
  /// run, with its status.
  Status wait(uint64_t ticket);
  /// Waits for every call issued; the first failure among those not
  /// waited for, if any. Tickets count from 0 again.
  Status drain();

private:
  void loop();

  std::mutex mutex_;
  std::condition_variable work_, done_;
  std::deque<std::function<Status()>> queue_;
  /// The statuses of the calls since the last drain, by ticket.
  std::deque<Status> statuses_;
  uint64_t issued_ = 0, completed_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace mlc::rt

#endif // MLC_RUNTIME_COMMTHREAD_H
