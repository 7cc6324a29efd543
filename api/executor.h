// A fixed pool of worker threads for handler bodies. gRPC's callback API hands each RPC to
// Serve(), which queues the body here; bodies block on the database, gRPC's threads never do.
#ifndef ALLIES_API_EXECUTOR_H_
#define ALLIES_API_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace allies::api {

class Executor {
 public:
  // At most max_queued tasks wait for a worker; TrySchedule refuses more.
  Executor(int threads, size_t max_queued);
  // Runs every queued task, then joins the workers.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // False (and task not run) when the queue is full: the server is overloaded.
  bool TrySchedule(std::function<void()> task);
  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  const size_t max_queued_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace allies::api

#endif  // ALLIES_API_EXECUTOR_H_
