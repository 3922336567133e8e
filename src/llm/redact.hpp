#pragma once
/// Keeping secrets out of logs and errors: header values and URLs are redacted before they are
/// written anywhere, whatever the log level.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agentry::llm {

/// True for header names that carry credentials (Authorization, x-api-key, *token*, *key*, …).
bool is_secret_header(std::string_view name);

/// The value to log for a header: "***" for secret headers, keeping an auth scheme word
/// ("Bearer ***"); the value unchanged otherwise.
std::string redact_header_value(std::string_view name, std::string_view value);

/// `url` without user-info and with credential-like query parameters (key, api-key, token,
/// secret, sig…) replaced by "***": the form every error and log line uses.
std::string redact_url(std::string_view url);

/// The credentials among `headers`: each secret header's value, and also the part after an auth
/// scheme word ("Bearer KEY" gives both), so that what a server echoes can be cut out (by
/// core's SecretRedactor).
std::vector<std::string> header_secrets(
    const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace agentry::llm
