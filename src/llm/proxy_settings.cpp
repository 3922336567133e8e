#include "llm/proxy_settings.hpp"

#include <algorithm>
#include <cctype>

#include "core/text.hpp"

namespace agentry::llm {

namespace {

std::string first_set(const Environment& env, std::string_view a, std::string_view b = {}) {
  if (auto v = env.get(a); v && !v->empty()) return *v;
  if (!b.empty()) {
    if (auto v = env.get(b); v && !v->empty()) return *v;
  }
  return {};
}

struct UrlParts {
  std::string scheme;
  std::string host;
};

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return parts;
  parts.scheme = ascii_lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) {
    parts.host = ascii_lower(rest.substr(0, rest.find(']') + 1));
  } else {
    parts.host = ascii_lower(rest.substr(0, rest.find(':')));
  }
  return parts;
}

}  // namespace

std::string url_host(std::string_view url) {
  return split_url(url).host;
}

ProxyEnvironment ProxyEnvironment::from(const Environment& env) {
  ProxyEnvironment out;
  out.http_proxy = first_set(env, "http_proxy");
  out.https_proxy = first_set(env, "https_proxy", "HTTPS_PROXY");
  out.all_proxy = first_set(env, "all_proxy", "ALL_PROXY");
  out.no_proxy = first_set(env, "no_proxy", "NO_PROXY");
  return out;
}

bool is_loopback_host(std::string_view host) {
  std::string h = ascii_lower(host);
  if (h.starts_with('[') && h.ends_with(']')) h = h.substr(1, h.size() - 2);
  if (h == "localhost" || h.ends_with(".localhost") || h == "::1") return true;
  if (!h.starts_with("127.")) return false;
  return std::all_of(h.begin(), h.end(), [](char c) { return c == '.' || std::isdigit(c) != 0; });
}

ProxyChoice choose_proxy(const ProxyEnvironment& env, std::string_view url) {
  UrlParts parts = split_url(url);
  ProxyChoice choice;
  choice.no_proxy = env.no_proxy;
  if (is_loopback_host(parts.host)) return choice;
  if (parts.scheme == "https") {
    choice.proxy = env.https_proxy;
  } else if (parts.scheme == "http") {
    choice.proxy = env.http_proxy;
  }
  if (choice.proxy.empty()) choice.proxy = env.all_proxy;
  return choice;
}

}  // namespace agentry::llm
