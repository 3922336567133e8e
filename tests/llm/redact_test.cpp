#include "llm/redact.hpp"

#include <doctest/doctest.h>

#include "core/secret_redactor.hpp"
#include "llm/proxy_settings.hpp"

namespace agentry::llm {
namespace {

TEST_CASE("secret headers are masked, keeping the auth scheme") {
  CHECK(redact_header_value("Authorization", "Bearer sk-123") == "Bearer ***");
  CHECK(redact_header_value("x-api-key", "sk-ant-123") == "***");
  CHECK(redact_header_value("X-Goog-Api-Key", "abc") == "***");
  CHECK(redact_header_value("Proxy-Authorization", "Basic dXNlcjpwdw==") == "Basic ***");
  CHECK(redact_header_value("anthropic-version", "2023-06-01") == "2023-06-01");
  CHECK(redact_header_value("Content-Type", "application/json") == "application/json");
}

TEST_CASE("URLs lose user-info and credential query parameters") {
  CHECK(redact_url("https://api.openai.com/v1/chat/completions") ==
        "https://api.openai.com/v1/chat/completions");
  CHECK(redact_url("http://u:p@host:8080/v1?api-key=s3cret&x=1#frag") ==
        "http://host:8080/v1?api-key=***&x=1#frag");
  CHECK(redact_url("https://h/p?token=t&Signature=abc") == "https://h/p?token=***&Signature=***");
  CHECK(redact_url("http://proxy.corp:3128") == "http://proxy.corp:3128");
}

TEST_CASE("the credentials among request headers are found and cut out of text") {
  auto secrets = header_secrets({{"Authorization", "Bearer sk-long-secret-1"},
                                 {"x-api-key", "sk-ant-secret-2"},
                                 {"anthropic-version", "2023-06-01"},
                                 {"x-custom-token", ""}});
  CHECK(secrets ==
        std::vector<std::string>{"Bearer sk-long-secret-1", "sk-long-secret-1", "sk-ant-secret-2"});
  CHECK(SecretRedactor(secrets).redact(
            "bad key sk-long-secret-1, also sk-ant-secret-2sk-ant-secret-2") ==
        "bad key ***, also ******");
  CHECK(SecretRedactor(secrets).redact("version 2023-06-01") == "version 2023-06-01");
  // Too short to be a key: cutting it would mangle ordinary words.
  CHECK(SecretRedactor({"tiny"}).redact("a tiny word") == "a tiny word");
}

TEST_CASE("proxy choice follows libcurl's variables, loopback is always direct") {
  Environment env;
  env.set("HTTP_PROXY", "http://ignored:1");  // libcurl reads only the lower-case http_proxy
  env.set("HTTPS_PROXY", "http://secure:3128");
  env.set("all_proxy", "socks5://all:1080");
  env.set("NO_PROXY", "internal.corp");
  auto p = ProxyEnvironment::from(env);
  CHECK(choose_proxy(p, "https://api.openai.com/v1").proxy == "http://secure:3128");
  CHECK(choose_proxy(p, "http://api.example.org/v1").proxy == "socks5://all:1080");
  CHECK(choose_proxy(p, "https://x").no_proxy == "internal.corp");
  for (const char* url :
       {"http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:8000/v1",
        "https://llm.localhost/v1", "http://127.1.2.3/v1"}) {
    CAPTURE(url);
    CHECK(choose_proxy(p, url).proxy.empty());
  }
  CHECK_FALSE(is_loopback_host("127.example.com"));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
}

}  // namespace
}  // namespace agentry::llm
