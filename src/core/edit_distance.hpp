#pragma once
/// Levenshtein distance, for "did you mean …?" suggestions (agent names, slash commands, task
/// file fields). Quadratic in time, linear in memory: meant for names, not documents.
#include <cstddef>
#include <string_view>

namespace agentry {

/// The number of single-character insertions, deletions and substitutions from `a` to `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace agentry
