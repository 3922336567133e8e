#pragma once
/// Ownership of libcurl's process-wide initialisation.
#include "core/error.hpp"

namespace agentry::llm {

/// Calls curl_global_init once when built and curl_global_cleanup when destroyed. The composition
/// root (main, a test, the fake-LLM executable) owns exactly one, before any thread starts, and
/// passes it by reference to what makes HTTP clients: holding the reference is the proof that
/// libcurl is ready, so no library initialises libcurl behind the caller's back.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;

  /// False when curl_global_init failed; every HTTP client built on it then reports an error.
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

}  // namespace agentry::llm
