// A thread that runs a session's collectives in issue order.
#include "runtime/CommThread.h"

namespace mlc::rt {

CommThread::CommThread() : thread_([this] { loop(); }) {}

CommThread::~CommThread() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return completed_ == issued_; });
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

uint64_t CommThread::issue(std::function<Status()> call) {
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(call));
    statuses_.push_back(Status::ok());
    ticket = issued_++;
  }
  work_.notify_one();
  return ticket;
}

Status CommThread::wait(uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (ticket >= issued_)
    return Status::internal("waited for a collective never issued");
  done_.wait(lock, [&] { return completed_ > ticket; });
  return statuses_[ticket];
}

Status CommThread::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return completed_ == issued_; });
  Status first = Status::ok();
  for (const Status &s : statuses_)
    if (!s.isOk()) {
      first = s;
      break;
    }
  statuses_.clear();
  issued_ = completed_ = 0;
  return first;
}

void CommThread::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty())
      return; // stopping, nothing left
    std::function<Status()> call = std::move(queue_.front());
    queue_.pop_front();
    uint64_t ticket = completed_;
    lock.unlock();
    Status status = call();
    lock.lock();
    statuses_[ticket] = std::move(status);
    ++completed_;
    done_.notify_all();
  }
}

} // namespace mlc::rt
