#include "cli/mcp/call_pool.hpp"

#include <algorithm>

namespace agentry::cli::mcp {

CallPool::CallPool(std::size_t max_threads) : max_threads_(std::max<std::size_t>(max_threads, 1)) {}

CallPool::~CallPool() {
  shutdown();
}

bool CallPool::submit(const std::string& key, Work work) {
  std::lock_guard lock(mutex_);
  if (stopping_ || running_.count(key) ||
      std::any_of(queue_.begin(), queue_.end(), [&](const Call& c) { return c.key == key; }))
    return false;
  queue_.push_back({key, std::move(work)});
  if (idle_threads_ < queue_.size() && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { worker(); });
  } else {
    wake_.notify_one();
  }
  return true;
}

bool CallPool::cancel(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (auto it = running_.find(key); it != running_.end()) {
    it->second.request_stop();
    return true;
  }
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const Call& c) { return c.key == key; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  idle_.notify_all();
  return true;
}

void CallPool::shutdown() {
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
    for (auto& [key, source] : running_)
      source.request_stop();
    threads.swap(threads_);
    wake_.notify_all();
    idle_.notify_all();
  }
  threads.clear();  // joins
}

void CallPool::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && running_.empty(); });
}

void CallPool::worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_threads_;
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    --idle_threads_;
    if (stopping_) return;
    Call call = std::move(queue_.front());
    queue_.pop_front();
    std::stop_token token = running_[call.key].get_token();
    lock.unlock();
    call.work(token);
    lock.lock();
    running_.erase(call.key);
    idle_.notify_all();
  }
}

}  // namespace agentry::cli::mcp
