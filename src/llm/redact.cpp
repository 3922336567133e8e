#include "llm/redact.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"

namespace agentry::llm {

namespace {

bool secret_word(std::string_view lowered) {
  for (std::string_view word : {"auth", "key", "token", "secret", "password", "cookie", "sig"}) {
    if (lowered.find(word) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

bool is_secret_header(std::string_view name) {
  return secret_word(ascii_lower(name));
}

std::string redact_header_value(std::string_view name, std::string_view value) {
  if (!is_secret_header(name)) return std::string(value);
  // Keep a leading scheme word ("Bearer", "Basic") so logs still show which auth was used.
  if (auto space = value.find(' '); space != std::string_view::npos && space > 0 && space < 16) {
    return std::string(value.substr(0, space)) + " ***";
  }
  return "***";
}

std::string redact_url(std::string_view url) {
  std::string out;
  auto scheme_end = url.find("://");
  std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  out.append(url.substr(0, authority));
  std::string_view rest = url.substr(authority);
  auto path_start = rest.find_first_of("/?#");
  std::string_view host_part = rest.substr(0, path_start);
  if (auto at = host_part.rfind('@'); at != std::string_view::npos) {
    host_part.remove_prefix(at + 1);
  }
  out.append(host_part);
  if (path_start == std::string_view::npos) return out;
  rest.remove_prefix(path_start);
  auto query = rest.find('?');
  out.append(rest.substr(0, query));
  if (query == std::string_view::npos) return out;
  std::string_view params = rest.substr(query + 1);
  std::string_view fragment;
  if (auto hash = params.find('#'); hash != std::string_view::npos) {
    fragment = params.substr(hash);
    params = params.substr(0, hash);
  }
  out.push_back('?');
  bool first = true;
  while (true) {
    auto amp = params.find('&');
    std::string_view param = params.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    auto eq = param.find('=');
    if (eq != std::string_view::npos && secret_word(ascii_lower(param.substr(0, eq)))) {
      out.append(param.substr(0, eq + 1));
      out.append("***");
    } else {
      out.append(param);
    }
    if (amp == std::string_view::npos) break;
    params.remove_prefix(amp + 1);
  }
  out.append(fragment);
  return out;
}

std::vector<std::string> header_secrets(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::string> out;
  for (const auto& [name, value] : headers) {
    if (!is_secret_header(name) || value.empty()) continue;
    out.push_back(value);
    if (auto space = value.find(' '); space != std::string::npos)
      out.push_back(value.substr(space + 1));
  }
  return out;
}

}  // namespace agentry::llm
