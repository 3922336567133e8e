#pragma once
/// Splits a command line written as one string ("cargo clippy -- -D warnings") into words, as a
/// shell would, quotes grouping: a batch check's argv, a custom command's `$1…$9`. It is never
/// handed to a shell: there are no variables, globs, pipes or redirections, only words.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agentry {

/// Words separated by blanks. 'single quotes' keep everything literally; "double quotes" keep
/// everything but \" and \\; outside quotes a backslash keeps the next character. nullopt (with
/// `problem` set) for an unterminated quote or when there is no word at all.
std::optional<std::vector<std::string>> split_command(std::string_view text, std::string& problem);

}  // namespace agentry
