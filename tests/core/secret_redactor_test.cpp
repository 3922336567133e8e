#include "core/secret_redactor.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace agentry {
namespace {

constexpr const char* kKey = "sk-proj-Zq81vNc3x0P4+tR7/yWb2LmQe9Ks";

/// Standard base64 with padding, written independently of the redactor's encoder.
std::string base64(std::string_view bytes, bool url_safe = false) {
  const char* alphabet = url_safe
                             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0})
      out.push_back(alphabet[(n >> shift) & 63]);
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool leaks(const std::string& text, std::string_view key) {
  // Any 12 characters of the key in a row, or 16 of its base64 at any alignment, is a leak.
  for (std::size_t i = 0; i + 12 <= key.size(); ++i)
    if (text.find(key.substr(i, 12)) != std::string::npos) return true;
  return false;
}

TEST_CASE("the value, every prefix of 12+ characters and its base64 forms are cut out") {
  SecretRedactor r({kKey});
  const std::string key = kKey;
  struct Case {
    const char* what;
    std::string text;
  };
  std::vector<Case> cases = {
      {"exact", fmt::format("KEY={}\n", key)},
      {"twice, back to back", key + key},
      {"first 20 characters", fmt::format("prefix {} end", key.substr(0, 20))},
      {"first 12 characters", fmt::format("[{}]", key.substr(0, 12))},
      {"base64", fmt::format("b64 {}", base64(key))},
      {"base64 url-safe", fmt::format("b64 {}", base64(key, true))},
      {"base64 after one byte", base64(std::string("x").append(key))},
      {"base64 after two bytes", base64("xy" + key)},
      {"base64 inside an environ dump", base64("PATH=/bin\0OPENAI_API_KEY=" + key + "\0HOME=/h")},
      {"base64 of the first 20 characters", base64(key.substr(0, 20))},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    auto out = r.redact(c.text);
    CHECK(out.find(SecretRedactor::kMask) != std::string::npos);
    CHECK_FALSE(leaks(out, key));
    auto b64 = base64(key);
    CHECK(out.find(b64.substr(0, 16)) == std::string::npos);
  }
  CHECK(r.redact("prefix " + key.substr(0, 20) + " end") == "prefix *** end");
  CHECK(r.redact(key + key) == "******");
}

TEST_CASE("text without a secret, short prefixes and short secrets are left alone") {
  SecretRedactor r({kKey, "tiny", ""});
  const std::string key = kKey;
  CHECK(r.redact("a tiny word") == "a tiny word");
  CHECK(r.redact("sk-proj- is how keys start") == "sk-proj- is how keys start");
  CHECK(r.redact(key.substr(0, 11)) == key.substr(0, 11));
  CHECK(SecretRedactor().empty());
  CHECK(SecretRedactor({"short"}).empty());
  // 8 to 11 characters: only the whole value.
  SecretRedactor eight({"abcdefgh"});
  CHECK(eight.redact("x abcdefgh y abcdefg") == "x *** y abcdefg");
}

TEST_CASE("strings inside JSON, keys included, and errors are redacted") {
  SecretRedactor r({kKey});
  const std::string key = kKey;
  nlohmann::json details = {
      {"stdout", "key " + key}, {"list", {1, key.substr(0, 14), true}}, {key, "as a key"}};
  r.redact_json(details);
  CHECK_FALSE(leaks(details.dump(), key));
  CHECK(details["stdout"] == "key ***");
  CHECK(details["list"][1] == "***");
  CHECK(details["list"][0] == 1);
  CHECK(details.contains("***"));

  Error e(ErrorCode::kIo, "bad key " + key, "https://x/?k=" + key, "check " + key.substr(0, 13));
  auto clean = r.redact_error(e);
  CHECK_FALSE(leaks(clean.to_string(), key));
}

TEST_CASE("from_environment takes every secret variable's value, never a tool variable's") {
  Environment env;
  env.set("OPENAI_API_KEY", kKey);
  env.set("GATEWAY_CRED_VALUE", "gateway-value-123456");
  env.set("PATH", "/usr/local/bin:/usr/bin:/bin");
  env.set("PLAIN", "plain-value-0123456789");
  env.set("GOOGLE_APPLICATION_CREDENTIALS", "/usr/bin");  // a path to a secret, not one
  CHECK(env.mark_secret("GATEWAY_CRED_VALUE"));
  CHECK_FALSE(env.mark_secret("PATH"));
  auto r = SecretRedactor::from_environment(env, {"header-secret-value"});
  CHECK(r.redact(kKey) == "***");
  CHECK(r.redact("gateway-value-123456") == "***");
  CHECK(r.redact("header-secret-value") == "***");
  CHECK(r.redact("/usr/local/bin:/usr/bin:/bin") == "/usr/local/bin:/usr/bin:/bin");
  CHECK(r.redact("plain-value-0123456789") == "plain-value-0123456789");
  CHECK(r.redact("/usr/bin/cargo") == "/usr/bin/cargo");
}

}  // namespace
}  // namespace agentry
