#include "llm/curl_global.hpp"

#include <curl/curl.h>

namespace agentry::llm {

CurlGlobal::CurlGlobal() : ok_(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK) {}

CurlGlobal::~CurlGlobal() {
  if (ok_) curl_global_cleanup();
}

}  // namespace agentry::llm
