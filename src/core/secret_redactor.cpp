#include "core/secret_redactor.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace agentry {

namespace {

constexpr std::size_t kMinPrefix = 12;         // characters of a value
constexpr std::size_t kMinEncodedPrefix = 16;  // base64 characters: 12 bytes

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The base64 characters that depend only on `secret`'s bytes when it starts `offset` (0–2)
/// bytes into a 3-byte group of a longer encoded text.
std::string base64_core(std::string_view secret, std::size_t offset) {
  std::string bytes(offset, '\0');
  bytes.append(secret);
  const std::size_t first_bit = offset * 8;
  const std::size_t end_bit = bytes.size() * 8;
  std::string out;
  for (std::size_t bit = 0; bit + 6 <= end_bit; bit += 6) {
    if (bit < first_bit) continue;
    unsigned value = 0;
    for (std::size_t b = bit; b < bit + 6; ++b) {
      auto byte = static_cast<unsigned char>(bytes[b / 8]);
      value = (value << 1) | ((byte >> (7 - b % 8)) & 1u);
    }
    out.push_back(kBase64[value]);
  }
  return out;
}

std::string url_safe(std::string text) {
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  return text;
}

}  // namespace

SecretRedactor::SecretRedactor(const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets)
    add(secret);
  // Longer forms first, so that "Bearer KEY" is cut whole before KEY alone.
  std::sort(patterns_.begin(), patterns_.end(),
            [](const Pattern& a, const Pattern& b) { return a.text.size() > b.text.size(); });
  patterns_.erase(std::unique(patterns_.begin(), patterns_.end(),
                              [](const Pattern& a, const Pattern& b) { return a.text == b.text; }),
                  patterns_.end());
}

SecretRedactor SecretRedactor::from_environment(const Environment& env,
                                                const std::vector<std::string>& extra) {
  std::vector<std::string> secrets = extra;
  for (const auto& [name, value] : env.vars()) {
    // A path (GOOGLE_APPLICATION_CREDENTIALS=/home/u/.config/…) points at a secret without being
    // one; cutting it would mangle every path in cargo's output that starts the same way.
    std::error_code ec;
    if (!env.is_secret(name) || (value.starts_with('/') && std::filesystem::exists(value, ec)))
      continue;
    secrets.push_back(value);
  }
  return SecretRedactor(secrets);
}

void SecretRedactor::add(const std::string& secret) {
  if (secret.size() < kMinSecret) return;
  patterns_.push_back({secret, std::min(secret.size(), kMinPrefix)});
  for (std::size_t offset = 0; offset < 3; ++offset) {
    auto core = base64_core(secret, offset);
    if (core.size() < kMinSecret) continue;
    const std::size_t min_match = std::min(core.size(), kMinEncodedPrefix);
    auto safe = url_safe(core);
    if (safe != core) patterns_.push_back({std::move(safe), min_match});
    patterns_.push_back({std::move(core), min_match});
  }
}

std::string SecretRedactor::redact(std::string text) const {
  for (const auto& pattern : patterns_) {
    const std::string_view anchor = std::string_view(pattern.text).substr(0, pattern.min_match);
    for (auto at = text.find(anchor); at != std::string::npos;
         at = text.find(anchor, at + kMask.size())) {
      std::size_t length = anchor.size();
      while (length < pattern.text.size() && at + length < text.size() &&
             text[at + length] == pattern.text[length])
        ++length;
      text.replace(at, length, kMask);
    }
  }
  return text;
}

void SecretRedactor::redact_json(nlohmann::json& value) const {
  if (empty()) return;
  if (value.is_string()) {
    value = redact(value.get<std::string>());
  } else if (value.is_array()) {
    for (auto& item : value)
      redact_json(item);
  } else if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [key, item] : value.items()) {
      redact_json(item);
      out[redact(key)] = std::move(item);
    }
    value = std::move(out);
  }
}

Error SecretRedactor::redact_error(Error error) const {
  if (empty()) return error;
  error.message = redact(std::move(error.message));
  error.where = redact(std::move(error.where));
  error.hint = redact(std::move(error.hint));
  return error;
}

}  // namespace agentry
