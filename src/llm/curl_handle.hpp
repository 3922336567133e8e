#pragma once
/// Move-only RAII owners of libcurl handles: an easy handle, a multi handle, a header list.
#include <memory>
#include <string_view>

#include <curl/curl.h>

namespace agentry::llm {

/// Owns a CURL* (curl_easy_cleanup on destruction).
class CurlEasy {
 public:
  CurlEasy();  ///< curl_easy_init; get() is null if it failed
  CURL* get() const { return handle_.get(); }
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  struct Deleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
  };
  std::unique_ptr<CURL, Deleter> handle_;
};

/// Owns a CURLM* (curl_multi_cleanup on destruction). Destroy it after the easy handles it drove.
class CurlMulti {
 public:
  CurlMulti();  ///< curl_multi_init; get() is null if it failed
  CURLM* get() const { return handle_.get(); }
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  struct Deleter {
    void operator()(CURLM* h) const { curl_multi_cleanup(h); }
  };
  std::unique_ptr<CURLM, Deleter> handle_;
};

/// Owns a curl_slist (curl_slist_free_all on destruction); append-only.
class CurlSlist {
 public:
  /// Appends one "Name: value" line. Returns false when libcurl could not allocate.
  bool append(std::string_view line);
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

}  // namespace agentry::llm
