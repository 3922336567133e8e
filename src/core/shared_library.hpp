#pragma once
/// A shared library opened at run time (dlopen), for dependencies that only some commands need:
/// loading them at start-up would cost every command their dynamic-linking time.
#include <string>

#include "core/error.hpp"

namespace agentry {

/// Owns one dlopen handle, released on destruction; the library itself stays loaded until the
/// process exits (RTLD_NODELETE). Unloading libcurl ran its dependencies' exit code early
/// (OpenSSL, GnuTLS and krb5 keep thread and exit handlers), and when the library had been
/// loaded by a thread that was gone, LeakSanitizer's scan at exit crashed on what it left.
/// Unloading bought nothing: agentry loads it once and exits soon after. Move-only.
class SharedLibrary {
 public:
  /// dlopen(soname, RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE): functions bind on first call, as
  /// for a linked library.
  /// On failure the error (kNotFound) quotes dlerror and carries `install_hint` (which package to
  /// install).
  [[nodiscard]] static Result<SharedLibrary> open(const std::string& soname,
                                                  const std::string& install_hint);

  SharedLibrary(SharedLibrary&& other) noexcept;
  SharedLibrary& operator=(SharedLibrary&& other) noexcept;
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;
  ~SharedLibrary();

  /// The address of `name`, or an error (kNotFound) naming the symbol and the library.
  [[nodiscard]] Result<void*> symbol(const char* name) const;

  const std::string& soname() const { return soname_; }

 private:
  SharedLibrary(void* handle, std::string soname, std::string install_hint);

  void* handle_ = nullptr;
  std::string soname_;
  std::string install_hint_;
};

}  // namespace agentry
