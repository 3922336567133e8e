#include "llm/curl_handle.hpp"

#include <string>

namespace agentry::llm {

CurlEasy::CurlEasy() : handle_(curl_easy_init()) {}

CurlMulti::CurlMulti() : handle_(curl_multi_init()) {}

bool CurlSlist::append(std::string_view line) {
  // curl_slist_append copies the string and returns the (possibly new) head, or null on failure
  // leaving the old list intact.
  curl_slist* head = curl_slist_append(list_.get(), std::string(line).c_str());
  if (head == nullptr) return false;
  (void)list_.release();
  list_.reset(head);
  return true;
}

}  // namespace agentry::llm
