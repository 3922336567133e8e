#pragma once
/// Ownership of libcurl itself: the library, loaded at run time on first use, and its
/// process-wide initialisation.
///
/// agentry does not link libcurl: with libssl, krb5, ldap and the rest it pulls in some thirty
/// shared libraries whose loading would cost every command, `agentry mcp` and `agentry chat`
/// included, milliseconds at start-up before any HTTP request is made. The first HTTP request
/// loads it instead (dlopen), fills a CurlApi table and calls curl_global_init.
#include <mutex>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/shared_library.hpp"
#include "llm/curl_api.hpp"

namespace agentry::llm {

/// The composition root (main's commands, a test) owns exactly one and passes it by reference
/// to what makes HTTP clients; nothing initialises libcurl behind the caller's back. Building one
/// costs nothing: libcurl is loaded by the first api() call, once. Destroy it after every client
/// that used it (it calls curl_global_cleanup; the library stays mapped until exit, see
/// SharedLibrary).
class CurlGlobal {
 public:
  static constexpr const char* kSoname = "libcurl.so.4";

  /// `soname` is the library to load; tests name one that does not exist.
  explicit CurlGlobal(std::string soname = kSoname);
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;

  /// libcurl's functions, loading the library and calling curl_global_init on the first call.
  /// A failure (library missing, a function missing, init failed) is kept and returned by every
  /// later call: the error names the library and says to install libcurl4. Thread-safe.
  [[nodiscard]] Result<const CurlApi*> api();

  /// Whether api() has loaded the library (for tests and diagnostics).
  bool loaded() const;

 private:
  std::string soname_;
  mutable std::mutex mu_;
  // Neither set: not tried yet. The library without an error: loaded and initialised.
  std::optional<SharedLibrary> library_;
  CurlApi api_;
  std::optional<Error> error_;
};

}  // namespace agentry::llm
