#include "fakellm/socket_server.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::fakellm {

namespace {

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr std::size_t kMaxBody = 64 * 1024 * 1024;

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 529:
      return "Overloaded";
    default:
      return "Status";
  }
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Reads one request from `fd`, using and refilling `buffer` (bytes past it stay for the next).
/// Returns false at EOF, on error or on a malformed request.
bool read_request(int fd, std::string& buffer, HttpRequestData& out) {
  char chunk[16 * 1024];
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHead) return false;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  std::string_view head(buffer.data(), head_end);
  auto line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  auto sp1 = request_line.find(' ');
  auto sp2 = request_line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  out.method = std::string(request_line.substr(0, sp1));
  out.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view path = out.target;
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    path.remove_prefix(scheme + 3);
    auto slash = path.find('/');
    path = slash == std::string_view::npos ? std::string_view("/") : path.substr(slash);
  }
  out.path = std::string(path.substr(0, path.find('?')));
  out.headers.clear();
  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    auto eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    if (auto colon = line.find(':'); colon != std::string_view::npos) {
      out.headers[ascii_lower(trim(line.substr(0, colon)))] =
          std::string(trim(line.substr(colon + 1)));
    }
    if (eol == std::string_view::npos) break;
    rest.remove_prefix(eol + 2);
  }
  buffer.erase(0, head_end + 4);
  std::size_t length = 0;
  if (auto it = out.headers.find("content-length"); it != out.headers.end()) {
    length = std::strtoull(it->second.c_str(), nullptr, 10);
    if (length > kMaxBody) return false;
  }
  if (auto it = out.headers.find("expect");
      it != out.headers.end() && ascii_lower(it->second) == "100-continue") {
    if (!send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n")) return false;
  }
  while (buffer.size() < length) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  out.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return true;
}

}  // namespace

ResponseWriter::ResponseWriter(int fd, const std::atomic<bool>& stopping, std::mutex& mu,
                               std::condition_variable& cv)
    : fd_(fd), stopping_(stopping), mu_(mu), cv_(cv) {}

bool ResponseWriter::write_head(int status,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                bool chunked) {
  std::string head = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  for (const auto& [name, value] : headers)
    head += fmt::format("{}: {}\r\n", name, value);
  if (chunked) head += "Transfer-Encoding: chunked\r\n";
  if (close_) head += "Connection: close\r\n";
  head += "\r\n";
  return send_all(fd_, head);
}

bool ResponseWriter::write_chunk(std::string_view bytes) {
  if (bytes.empty()) return true;
  std::string framed = fmt::format("{:x}\r\n", bytes.size());
  framed.append(bytes);
  framed += "\r\n";
  return send_all(fd_, framed);
}

bool ResponseWriter::end_chunks() {
  return send_all(fd_, "0\r\n\r\n");
}

bool ResponseWriter::write_raw(std::string_view bytes) {
  return send_all(fd_, bytes);
}

bool ResponseWriter::sleep_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, delay, [&] { return stopping_.load(); });
}

Result<std::unique_ptr<SocketServer>> SocketServer::start(int port, RequestHandler handler) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorCode::kIo, fmt::format("socket() failed: {}", std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return fail(ErrorCode::kIo, fmt::format("cannot listen on 127.0.0.1:{}: {}", port, why), "",
                "pick another --port, or 0 for any free one");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::unique_ptr<SocketServer> server(
      new SocketServer(fd, ntohs(addr.sin_port), std::move(handler)));
  server->acceptor_ = std::jthread([s = server.get()] { s->accept_loop(); });
  return server;
}

SocketServer::SocketServer(int listen_fd, int port, RequestHandler handler)
    : listen_fd_(listen_fd), port_(port), handler_(std::move(handler)) {}

SocketServer::~SocketServer() {
  stop();
}

void SocketServer::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  {
    std::lock_guard lock(mu_);
    for (int fd : open_fds_)
      ::shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();
  std::list<std::jthread> workers;
  {
    std::lock_guard lock(mu_);
    finished_.clear();
    workers.swap(workers_);
  }
  workers.clear();  // joins
  ::close(listen_fd_);
}

void SocketServer::accept_loop() {
  while (!stopping_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    int connection = ++connection_count_;
    reap_finished_locked();
    workers_.emplace_back();
    auto self = std::prev(workers_.end());
    *self = std::jthread([this, fd, connection, self] {
      serve(fd, connection);
      std::lock_guard done(mu_);
      finished_.push_back(self);
    });
  }
}

void SocketServer::reap_finished_locked() {
  // Each of these has left serve() and only has to return: the joins are immediate.
  for (auto it : finished_)
    workers_.erase(it);
  finished_.clear();
}

void SocketServer::serve(int fd, int connection) {
  std::string buffer;
  while (!stopping_) {
    HttpRequestData request;
    if (!read_request(fd, buffer, request)) break;
    request.connection = connection;
    ResponseWriter writer(fd, stopping_, mu_, cv_);
    auto conn = request.headers.find("connection");
    if (conn != request.headers.end() && ascii_lower(conn->second) == "close")
      writer.close_connection();
    handler_(request, writer);
    if (writer.closing()) break;
  }
  std::lock_guard lock(mu_);
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
}

}  // namespace agentry::fakellm
