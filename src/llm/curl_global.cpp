#include "llm/curl_global.hpp"

#include <type_traits>
#include <utility>

namespace agentry::llm {

namespace {

constexpr const char* kInstallHint =
    "agentry needs libcurl for HTTP providers: install it (Debian/Ubuntu: apt install libcurl4)";

/// Looks every function up; the first one missing fails the whole table.
Result<CurlApi> resolve(const SharedLibrary& lib) {
  CurlApi api;
  Result<void> missing;
  auto bind = [&](auto& slot, const char* name) {
    if (!missing) return;
    auto address = lib.symbol(name);
    if (!address) {
      missing = tl::make_unexpected(address.error());
      return;
    }
    slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(*address);
  };
  bind(api.global_init, "curl_global_init");
  bind(api.global_cleanup, "curl_global_cleanup");
  bind(api.easy_init, "curl_easy_init");
  bind(api.easy_cleanup, "curl_easy_cleanup");
  bind(api.easy_reset, "curl_easy_reset");
  bind(api.easy_setopt, "curl_easy_setopt");
  bind(api.easy_getinfo, "curl_easy_getinfo");
  bind(api.easy_strerror, "curl_easy_strerror");
  bind(api.multi_init, "curl_multi_init");
  bind(api.multi_cleanup, "curl_multi_cleanup");
  bind(api.multi_add_handle, "curl_multi_add_handle");
  bind(api.multi_remove_handle, "curl_multi_remove_handle");
  bind(api.multi_perform, "curl_multi_perform");
  bind(api.multi_poll, "curl_multi_poll");
  bind(api.multi_wakeup, "curl_multi_wakeup");
  bind(api.multi_info_read, "curl_multi_info_read");
  bind(api.multi_strerror, "curl_multi_strerror");
  bind(api.slist_append, "curl_slist_append");
  bind(api.slist_free_all, "curl_slist_free_all");
  if (!missing) return tl::make_unexpected(missing.error());
  return api;
}

}  // namespace

CurlGlobal::CurlGlobal(std::string soname) : soname_(std::move(soname)) {}

CurlGlobal::~CurlGlobal() {
  if (library_ && !error_) api_.global_cleanup();
}

bool CurlGlobal::loaded() const {
  std::lock_guard lock(mu_);
  return library_.has_value();
}

Result<const CurlApi*> CurlGlobal::api() {
  std::lock_guard lock(mu_);
  if (!library_ && !error_) {
    auto loaded = SharedLibrary::open(soname_, kInstallHint).and_then([](SharedLibrary lib) {
      return resolve(lib).transform([&](CurlApi api) { return std::pair{std::move(lib), api}; });
    });
    if (!loaded) {
      error_ = loaded.error();
    } else {
      library_.emplace(std::move(loaded->first));
      api_ = loaded->second;
      if (api_.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        error_ = Error(ErrorCode::kInternal, "curl_global_init failed", soname_,
                       "check that libcurl4 and its TLS library are installed intact");
      }
    }
  }
  if (error_) return tl::make_unexpected(*error_);
  return &api_;
}

}  // namespace agentry::llm
