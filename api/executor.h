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
  explicit Executor(int threads);
  // Runs every queued task, then joins the workers.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Schedule(std::function<void()> task);
  int threads() const { return static_cast<int>(workers_.size()); }

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace allies::api

#endif  // ALLIES_API_EXECUTOR_H_
