#pragma once
/// Keeping secrets out of logs and errors: header values and URLs are redacted before they are
/// written anywhere, whatever the log level.
#include <string>
#include <string_view>

namespace agentry::llm {

/// True for header names that carry credentials (Authorization, x-api-key, *token*, *key*, …).
bool is_secret_header(std::string_view name);

/// The value to log for a header: "***" for secret headers, keeping an auth scheme word
/// ("Bearer ***"); the value unchanged otherwise.
std::string redact_header_value(std::string_view name, std::string_view value);

/// `url` without user-info and with credential-like query parameters (key, api-key, token,
/// secret, sig…) replaced by "***": the form every error and log line uses.
std::string redact_url(std::string_view url);

}  // namespace agentry::llm
