#pragma once
/// A small HTTP/1.1 server on plain sockets, bound to 127.0.0.1.
///
/// Plain sockets rather than cpp-httplib because the fake LLM server's point is byte-level
/// control: a stream cut after exactly N bytes (mid chunk, without the terminating chunk), CR and
/// LF in separate writes, a slow drip, a connection closed before any answer; and because tests
/// assert keep-alive reuse, which needs to know which connection carried which request. It reads
/// requests with Content-Length bodies (what libcurl sends), answers 100-continue, accepts
/// absolute-form targets (so it can stand in as an HTTP proxy), and keeps connections alive.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace agentry::fakellm {

/// A parsed request.
struct HttpRequestData {
  std::string method;
  std::string target;  ///< as sent: origin-form "/v1/x?y" or absolute-form "http://h/v1/x"
  std::string path;    ///< the path alone, without scheme, host or query
  std::map<std::string, std::string, std::less<>> headers;  ///< lower-case names
  std::string body;
  int connection = 0;  ///< 1-based number of the connection that carried it
};

/// The writing side of one connection, handed to the request handler.
class ResponseWriter {
 public:
  ResponseWriter(int fd, const std::atomic<bool>& stopping, std::mutex& mu,
                 std::condition_variable& cv);

  /// Writes the status line and headers. `chunked`: the body follows as chunks; otherwise the
  /// caller sends exactly Content-Length bytes with write_raw.
  bool write_head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                  bool chunked);
  /// Sends `bytes` as one HTTP chunk.
  bool write_chunk(std::string_view bytes);
  /// Sends the terminating zero-length chunk.
  bool end_chunks();
  /// Sends bytes as they are.
  bool write_raw(std::string_view bytes);
  /// Waits, waking early when the server stops. Returns false if it stopped.
  bool sleep_for(std::chrono::milliseconds delay);
  /// Drops the connection after this response, without finishing anything still open.
  void close_connection() { close_ = true; }
  bool closing() const { return close_; }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
  std::mutex& mu_;
  std::condition_variable& cv_;
  bool close_ = false;
};

using RequestHandler = std::function<void(const HttpRequestData&, ResponseWriter&)>;

class SocketServer {
 public:
  /// Binds 127.0.0.1:`port` (0: an ephemeral port) and starts accepting.
  [[nodiscard]] static Result<std::unique_ptr<SocketServer>> start(int port,
                                                                   RequestHandler handler);
  ~SocketServer();
  SocketServer(const SocketServer&) = delete;
  SocketServer& operator=(const SocketServer&) = delete;

  int port() const { return port_; }
  /// Connections accepted so far.
  int connections() const { return connection_count_.load(); }
  /// Stops accepting, drops every connection, wakes sleeping handlers and joins all threads.
  void stop();

 private:
  SocketServer(int listen_fd, int port, RequestHandler handler);
  void accept_loop();
  void serve(int fd, int connection);
  /// Joins and drops the threads of closed connections (a long run opens thousands).
  void reap_finished_locked();

  int listen_fd_;
  int port_;
  RequestHandler handler_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connection_count_{0};
  std::mutex mu_;
  std::condition_variable cv_;  // wakes handlers' sleeps on stop
  std::vector<int> open_fds_;
  std::list<std::jthread> workers_;
  std::vector<std::list<std::jthread>::iterator> finished_;  // in workers_, done serving
  std::jthread acceptor_;
};

}  // namespace agentry::fakellm
