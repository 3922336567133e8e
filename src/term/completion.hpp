#pragma once
/// What Tab completion offers the line editor: the span of the input to replace and the
/// candidates for it. The chat's completer (cli/chat/slash_commands.hpp) fills it.
#include <cstddef>
#include <string>
#include <vector>

namespace agentry::term {

/// Replace text[start, end) with one of `candidates`.
struct Completion {
  std::size_t start = 0;
  std::size_t end = 0;
  std::vector<std::string> candidates;
};

/// The longest prefix every candidate shares.
std::string common_prefix(const std::vector<std::string>& candidates);

}  // namespace agentry::term
