#pragma once
/// Which proxy a request uses, following libcurl's environment conventions, but read from the
/// Environment snapshot instead of the process environment so that what agentry sees is exactly
/// what the composition root captured (and tests can set it).
#include <string>
#include <string_view>

#include "core/environment.hpp"

namespace agentry::llm {

/// The proxy variables as libcurl would read them.
struct ProxyEnvironment {
  std::string
      http_proxy;  ///< `http_proxy` (lower case only, as libcurl: HTTP_PROXY is unsafe in CGI)
  std::string https_proxy;  ///< `https_proxy`, else `HTTPS_PROXY`
  std::string all_proxy;    ///< `all_proxy`, else `ALL_PROXY`
  std::string no_proxy;     ///< `no_proxy`, else `NO_PROXY`

  static ProxyEnvironment from(const Environment& env);
};

/// What to hand libcurl for one URL: CURLOPT_PROXY ("" = direct) and CURLOPT_NOPROXY.
struct ProxyChoice {
  std::string proxy;
  std::string no_proxy;
};

/// The proxy for `url`. Loopback hosts (localhost, 127.0.0.0/8, ::1) are always reached directly,
/// so a local model server keeps working behind a corporate HTTPS_PROXY.
ProxyChoice choose_proxy(const ProxyEnvironment& env, std::string_view url);

/// The host of `url`, lower case, without port or credentials ("" when it has no scheme).
std::string url_host(std::string_view url);

/// True for localhost, *.localhost, 127.x.x.x and ::1 (with or without brackets).
bool is_loopback_host(std::string_view host);

}  // namespace agentry::llm
