#pragma once
// A listening Unix socket for attack tests (a host daemon's socket a sandboxed build must not
// reach), and a temporary folder outside /tmp (which the sandbox replaces by its own anyway).
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <system_error>
#include <unistd.h>

#include "core/unique_fd.hpp"

namespace agentry::testing {

class UnixListener {
 public:
  /// Listens on `name`: a path, or an abstract name when it starts with '@'.
  explicit UnixListener(std::string name) : name_(std::move(name)) {
    fd_ = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (!fd_.valid() || name_.size() >= sizeof addr.sun_path)
      throw std::runtime_error("cannot make a Unix socket for " + name_);
    std::memcpy(addr.sun_path, name_.data(), name_.size());
    if (name_.front() == '@') addr.sun_path[0] = '\0';
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd_.get(), 16) != 0)
      throw std::runtime_error("cannot listen on " + name_ + ": " + std::strerror(errno));
  }
  ~UnixListener() {
    if (name_.front() != '@') ::unlink(name_.c_str());
  }
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  const std::string& name() const { return name_; }
  /// True when a client connected (a pending connection, accepted and closed here).
  bool connected() const {
    UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    return client.valid();
  }

 private:
  std::string name_;
  UniqueFd fd_;
};

/// A temporary folder under /var/tmp, removed with what it holds.
class VarTempDir {
 public:
  explicit VarTempDir(const std::string& prefix) {
    std::string tmpl = "/var/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
    path_ = tmpl;
  }
  ~VarTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  VarTempDir(const VarTempDir&) = delete;
  VarTempDir& operator=(const VarTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace agentry::testing
