#include "llm/curl_handle.hpp"

#include <string>

namespace agentry::llm {

CurlEasy::CurlEasy(const CurlApi& api) : handle_(api.easy_init(), Deleter{&api}) {}

CurlMulti::CurlMulti(const CurlApi& api) : handle_(api.multi_init(), Deleter{&api}) {}

CurlSlist::CurlSlist(const CurlApi& api) : list_(nullptr, Deleter{&api}) {}

bool CurlSlist::append(std::string_view line) {
  // curl_slist_append copies the string and returns the (possibly new) head, or null on failure
  // leaving the old list intact.
  curl_slist* head = list_.get_deleter().api->slist_append(list_.get(), std::string(line).c_str());
  if (head == nullptr) return false;
  (void)list_.release();
  list_.reset(head);
  return true;
}

}  // namespace agentry::llm
