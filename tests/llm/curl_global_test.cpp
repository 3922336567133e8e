// CurlGlobal loads libcurl on first use: nothing before, a clear error when it is missing.
#include "llm/curl_global.hpp"

#include <doctest/doctest.h>

#include "llm/http_client.hpp"

namespace agentry::llm {
namespace {

TEST_CASE("libcurl is loaded by the first api() call, not by building the owner") {
  CurlGlobal curl;
  CHECK_FALSE(curl.loaded());
  auto api = curl.api();
  REQUIRE_MESSAGE(api.has_value(), (api ? "" : api.error().to_string()));
  CHECK(curl.loaded());
  CHECK(static_cast<bool>((*api)->easy_init));
  CHECK(static_cast<bool>((*api)->multi_wakeup));
  auto again = curl.api();
  REQUIRE(again.has_value());
  CHECK(*again == *api);  // one table for the process's lifetime of the owner
}

TEST_CASE("a missing libcurl gives an error that says what to install, every time") {
  CurlGlobal curl("libcurl-agentry-missing.so.4");
  auto api = curl.api();
  REQUIRE_FALSE(api.has_value());
  CHECK(api.error().code == ErrorCode::kNotFound);
  CHECK(api.error().message.find("cannot load libcurl-agentry-missing.so.4") != std::string::npos);
  CHECK(api.error().hint.find("apt install libcurl4") != std::string::npos);
  CHECK_FALSE(curl.loaded());
  auto again = curl.api();
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().message == api.error().message);
}

TEST_CASE("an HTTP request without libcurl fails with the loader's error instead of crashing") {
  CurlGlobal curl("libcurl-agentry-missing.so.4");
  HttpClient client(curl, {}, nullptr);
  HttpRequest request;
  request.url = "http://127.0.0.1:9/v1/chat/completions";
  request.body = "{}";
  auto response = client.post(request, [](std::string_view) { return true; }, {});
  REQUIRE_FALSE(response.has_value());
  CHECK(response.error().code == ErrorCode::kNotFound);
  CHECK(response.error().to_string().find("libcurl4") != std::string::npos);
  CHECK_FALSE(response.error().retryable);
}

}  // namespace
}  // namespace agentry::llm
