#include "core/command_split.hpp"

namespace agentry {

std::optional<std::vector<std::string>> split_command(std::string_view text, std::string& problem) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        word += c;
      }
    } else if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
        word += text[++i];
      } else {
        word += c;
      }
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) {
    problem = std::string("unterminated ") + (quote == '"' ? "double" : "single") + " quote";
    return std::nullopt;
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) {
    problem = "empty command";
    return std::nullopt;
  }
  return words;
}

}  // namespace agentry
