#include "core/shared_library.hpp"

#include <dlfcn.h>
#include <utility>

namespace agentry {

namespace {

std::string last_dl_error() {
  const char* text = ::dlerror();
  return text != nullptr ? text : "unknown dynamic loader error";
}

}  // namespace

Result<SharedLibrary> SharedLibrary::open(const std::string& soname,
                                          const std::string& install_hint) {
  void* handle = ::dlopen(soname.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    return fail(ErrorCode::kNotFound, "cannot load " + soname + ": " + last_dl_error(), soname,
                install_hint);
  }
  return SharedLibrary(handle, soname, install_hint);
}

SharedLibrary::SharedLibrary(void* handle, std::string soname, std::string install_hint)
    : handle_(handle), soname_(std::move(soname)), install_hint_(std::move(install_hint)) {}

SharedLibrary::SharedLibrary(SharedLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)),
      soname_(std::move(other.soname_)),
      install_hint_(std::move(other.install_hint_)) {}

SharedLibrary& SharedLibrary::operator=(SharedLibrary&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) ::dlclose(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    soname_ = std::move(other.soname_);
    install_hint_ = std::move(other.install_hint_);
  }
  return *this;
}

SharedLibrary::~SharedLibrary() {
  if (handle_ != nullptr) ::dlclose(handle_);
}

Result<void*> SharedLibrary::symbol(const char* name) const {
  ::dlerror();  // clear a stale error: a symbol's value may legitimately be null
  void* address = ::dlsym(handle_, name);
  if (address == nullptr) {
    return fail(ErrorCode::kNotFound,
                std::string("cannot find ") + name + " in " + soname_ + ": " + last_dl_error(),
                soname_, install_hint_);
  }
  return address;
}

}  // namespace agentry
