#pragma once
/// Cutting known secret values (API keys, tokens) out of text that leaves agentry's control:
/// tool output on its way to the model, the events, the log and the session store; provider
/// error bodies; batch check output. A crate's code can read a key in many ways agentry cannot
/// close (a file the user can read, root reading /proc); what it prints is redacted here, in
/// every form this recognises:
///   - the value itself, and every prefix of it of 12 characters or more (a test that prints
///     the first 20 characters of the key);
///   - its base64 encoding, standard and URL-safe, at each of the three byte alignments it can
///     take inside a longer encoded text, and every prefix of those of 16 characters (12 bytes)
///     or more.
/// Values shorter than 8 characters are ignored: they would mangle ordinary words and protect
/// nothing. Built once per command from the environment's secrets and the config's credential
/// headers, then shared read-only.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/environment.hpp"
#include "core/error.hpp"

namespace agentry {

class SecretRedactor {
 public:
  /// Redacts nothing.
  SecretRedactor() = default;
  /// Redacts each of `secrets` (shorter ones than kMinSecret are skipped).
  explicit SecretRedactor(const std::vector<std::string>& secrets);
  /// The values of every variable `env` holds as secret (Environment::is_secret) but those that
  /// name an existing file or folder (a credentials path), plus `extra` (e.g. literal credential
  /// headers from the config).
  static SecretRedactor from_environment(const Environment& env,
                                         const std::vector<std::string>& extra = {});

  /// `text` with every recognised form of a secret replaced by kMask.
  std::string redact(std::string text) const;
  /// Redacts every string in `value` (object keys included), recursively.
  void redact_json(nlohmann::json& value) const;
  /// `error` with its message, where and hint redacted.
  Error redact_error(Error error) const;
  /// True when there is nothing to redact.
  bool empty() const { return patterns_.empty(); }

  static constexpr std::size_t kMinSecret = 8;
  static constexpr std::string_view kMask = "***";

 private:
  /// A form of a secret: any run of at least `min_match` of its leading characters is cut.
  struct Pattern {
    std::string text;
    std::size_t min_match = 0;
  };
  void add(const std::string& secret);

  std::vector<Pattern> patterns_;
};

}  // namespace agentry
