#pragma once
/// Move-only RAII owners of libcurl handles: an easy handle, a multi handle, a header list. Each
/// keeps the CurlApi table it was made with (owned by CurlGlobal, which outlives them) to free
/// its handle.
#include <memory>
#include <string_view>

#include "llm/curl_api.hpp"

namespace agentry::llm {

/// Owns a CURL* (curl_easy_cleanup on destruction).
class CurlEasy {
 public:
  explicit CurlEasy(const CurlApi& api);  ///< curl_easy_init; get() is null if it failed
  CURL* get() const { return handle_.get(); }
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  struct Deleter {
    const CurlApi* api;
    void operator()(CURL* h) const { api->easy_cleanup(h); }
  };
  std::unique_ptr<CURL, Deleter> handle_;
};

/// Owns a CURLM* (curl_multi_cleanup on destruction). Destroy it after the easy handles it drove.
class CurlMulti {
 public:
  explicit CurlMulti(const CurlApi& api);  ///< curl_multi_init; get() is null if it failed
  CURLM* get() const { return handle_.get(); }
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  struct Deleter {
    const CurlApi* api;
    void operator()(CURLM* h) const { api->multi_cleanup(h); }
  };
  std::unique_ptr<CURLM, Deleter> handle_;
};

/// Owns a curl_slist (curl_slist_free_all on destruction); append-only.
class CurlSlist {
 public:
  explicit CurlSlist(const CurlApi& api);
  /// Appends one "Name: value" line. Returns false when libcurl could not allocate.
  bool append(std::string_view line);
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    const CurlApi* api;
    void operator()(curl_slist* l) const { api->slist_free_all(l); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

}  // namespace agentry::llm
