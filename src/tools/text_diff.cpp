#include "tools/text_diff.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace agentry::tools {

namespace {

constexpr std::size_t kContext = 3;
/// Above this many cells the middle is shown as a whole replacement instead of an exact LCS.
constexpr std::size_t kMaxLcsCells = 4'000'000;

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size() - 1;
    lines.push_back(text.substr(start, end - start + 1));
    start = end + 1;
  }
  return lines;
}

struct Op {
  char kind;  // ' ', '-', '+'
  std::string_view line;
  std::size_t old_no;
  std::size_t new_no;
};

std::vector<Op> diff_ops(const std::vector<std::string_view>& a,
                         const std::vector<std::string_view>& b) {
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre])
    ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         a[a.size() - 1 - suf] == b[b.size() - 1 - suf])
    ++suf;
  std::vector<Op> ops;
  for (std::size_t i = 0; i < pre; ++i)
    ops.push_back({' ', a[i], i + 1, i + 1});
  std::size_t n = a.size() - pre - suf;
  std::size_t m = b.size() - pre - suf;
  if (n * m <= kMaxLcsCells) {
    std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
      for (std::size_t j = m; j-- > 0;)
        lcs[i][j] = a[pre + i] == b[pre + j] ? lcs[i + 1][j + 1] + 1
                                             : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) {
        ops.push_back({' ', a[pre + i], pre + i + 1, pre + j + 1});
        ++i, ++j;
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push_back({'-', a[pre + i], pre + i + 1, pre + j + 1});
        ++i;
      } else {
        ops.push_back({'+', b[pre + j], pre + i + 1, pre + j + 1});
        ++j;
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i)
      ops.push_back({'-', a[pre + i], pre + i + 1, pre + 1});
    for (std::size_t j = 0; j < m; ++j)
      ops.push_back({'+', b[pre + j], pre + n + 1, pre + j + 1});
  }
  for (std::size_t k = 0; k < suf; ++k)
    ops.push_back({' ', a[a.size() - suf + k], a.size() - suf + k + 1, b.size() - suf + k + 1});
  return ops;
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, const std::string& path) {
  if (before == after) return {};
  auto ops = diff_ops(split_lines(before), split_lines(after));
  std::string out = fmt::format("--- {}\n+++ {}\n", path, path);
  std::size_t i = 0;
  while (i < ops.size()) {
    if (ops[i].kind == ' ') {
      ++i;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after the last change
    // that is closer than 2 * kContext lines to the previous one.
    std::size_t begin = i >= kContext ? i - kContext : 0;
    std::size_t end = i;
    std::size_t last_change = i;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') last_change = end;
      if (end - last_change > 2 * kContext) break;
      ++end;
    }
    end = std::min(ops.size(), last_change + kContext + 1);
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    for (std::size_t k = begin; k < end; ++k) {
      if (ops[k].kind != '+') ++old_count;
      if (ops[k].kind != '-') ++new_count;
    }
    std::size_t old_start = ops[begin].old_no - (old_count == 0 ? 1 : 0);
    std::size_t new_start = ops[begin].new_no - (new_count == 0 ? 1 : 0);
    out += fmt::format("@@ -{},{} +{},{} @@\n", old_start, old_count, new_start, new_count);
    for (std::size_t k = begin; k < end; ++k) {
      out += ops[k].kind;
      out += ops[k].line;
      if (!ops[k].line.ends_with('\n')) out += "\n\\ No newline at end of file\n";
    }
    i = end;
  }
  return out;
}

}  // namespace agentry::tools
