#include "term/completion.hpp"

namespace agentry::term {

std::string common_prefix(const std::vector<std::string>& candidates) {
  if (candidates.empty()) return {};
  std::string prefix = candidates.front();
  for (const auto& c : candidates) {
    std::size_t n = 0;
    while (n < prefix.size() && n < c.size() && prefix[n] == c[n])
      ++n;
    prefix.resize(n);
  }
  return prefix;
}

}  // namespace agentry::term
