#pragma once
/// Runs tool calls concurrently on a bounded number of threads; calls beyond the bound wait in
/// order. Each call has its own std::stop_source, keyed by its request id, so a
/// `notifications/cancelled` stops exactly that call (a waiting call is dropped before it runs).
/// Threads are started on demand, so a session that never calls a tool starts none.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace agentry::cli::mcp {

class CallPool {
 public:
  using Work = std::function<void(std::stop_token)>;

  explicit CallPool(std::size_t max_threads);
  /// Cancels whatever is still queued or running and joins the threads.
  ~CallPool();
  CallPool(const CallPool&) = delete;
  CallPool& operator=(const CallPool&) = delete;

  /// Queues `work` under `key`. False (and nothing queued) when a call with that key is still
  /// queued or running, or the pool is shutting down.
  bool submit(const std::string& key, Work work);
  /// Stops the call: a queued one never runs, a running one sees its token stopped. False when
  /// no such call is queued or running.
  bool cancel(const std::string& key);
  /// Cancels every queued and running call and waits for the running ones to return. No call
  /// is accepted afterwards.
  void shutdown();
  /// Blocks until nothing is queued or running.
  void wait_idle();

 private:
  struct Call {
    std::string key;
    Work work;
  };
  void worker();

  std::size_t max_threads_;
  std::mutex mutex_;
  std::condition_variable wake_;  // a call was queued, or shutdown began
  std::condition_variable idle_;  // a call finished or was dropped
  std::deque<Call> queue_;
  std::map<std::string, std::stop_source> running_;
  std::size_t idle_threads_ = 0;
  bool stopping_ = false;
  std::vector<std::jthread> threads_;
};

}  // namespace agentry::cli::mcp
