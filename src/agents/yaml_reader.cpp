#include "agents/yaml_reader.hpp"

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/text.hpp"
#include "core/yaml_error.hpp"
#include "core/yaml_load.hpp"

namespace agentry::agents {

namespace {

bool is_key_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_key_char(char c) {
  return is_key_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/// Characters yaml-cpp treats specially anywhere in a scalar: controls, and NEL (C2 85), LS and
/// PS (E2 80 A8/A9) and a BOM (EF BB BF), which are line breaks or markers to it.
bool has_special_characters(std::string_view v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto c = static_cast<unsigned char>(v[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return true;
    auto next = [&](std::size_t k) {
      return i + k < v.size() ? static_cast<unsigned char>(v[i + k]) : 0;
    };
    if (c == 0xC2 && next(1) == 0x85) return true;
    if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9)) return true;
    if (c == 0xEF && next(1) == 0xBB && next(2) == 0xBF) return true;
  }
  return false;
}

enum class PlainShape {
  kSimple,  ///< read exactly as YAML reads it
  kColon,   ///< simple but for an unquoted `: ` (or a final `:`): strict YAML rejects it
  kOther,   ///< needs the real parser
};

/// Whether the line parser may take a plain scalar as is: no indicator first, nothing YAML would
/// read as a comment, and (kColon) nothing but `: ` that would make it a nested mapping.
PlainShape plain_shape(std::string_view v) {
  if (v.empty()) return PlainShape::kSimple;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(v.front()) != std::string_view::npos) {
    return PlainShape::kOther;
  }
  bool colon = v.back() == ':';
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] == ':' && i + 1 < v.size() && (v[i + 1] == ' ' || v[i + 1] == '\t')) {
      colon = colon || v[i + 1] == ' ';
      if (v[i + 1] == '\t') return PlainShape::kOther;
    }
    if (v[i] == '#' && (v[i - 1] == ' ' || v[i - 1] == '\t')) return PlainShape::kOther;
  }
  return colon ? PlainShape::kColon : PlainShape::kSimple;
}

/// A one-line quoted scalar with nothing to unescape: `"text"` without `"` or `\` inside, or
/// `'text'` without `'` inside. Its content, or nullopt.
std::optional<std::string_view> simple_quoted(std::string_view v) {
  if (v.size() < 2 || (v.front() != '"' && v.front() != '\'') || v.back() != v.front()) {
    return std::nullopt;
  }
  std::string_view inner = v.substr(1, v.size() - 2);
  std::string_view forbidden = v.front() == '"' ? std::string_view("\"\\") : "'";
  if (inner.find_first_of(forbidden) != std::string_view::npos) return std::nullopt;
  return inner;
}

YamlValue convert(const YAML::Node& node, int first_line) {
  YamlValue out;
  YAML::Mark mark = node.Mark();
  out.line = mark.line < 0 ? first_line : mark.line + first_line;
  out.column = mark.column < 0 ? 1 : mark.column + 1;
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = YamlValue::Kind::kScalar;
      out.text = node.Scalar();
      out.plain = node.Tag() == "?";
      break;
    case YAML::NodeType::Sequence:
      out.kind = YamlValue::Kind::kSequence;
      for (const auto& item : node)
        out.items.push_back(convert(item, first_line));
      break;
    case YAML::NodeType::Map:
      out.kind = YamlValue::Kind::kMapping;
      for (const auto& entry : node) {
        YamlValue key = convert(entry.first, first_line);
        YamlValue value = convert(entry.second, first_line);
        if (value.kind == YamlValue::Kind::kNull) {
          // yaml-cpp marks an empty value where the next token starts; point at the key instead.
          value.line = key.line;
          value.column = key.column;
        }
        out.entries.emplace_back(std::move(key), std::move(value));
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return out;
}

/// Rewrites each top-level `key: text: more` line, which YAML rejects, into `key: "text: more"`
/// on the same line, so positions stay the same.
std::string quote_unquoted_colons(std::string_view yaml, int first_line,
                                  std::vector<RecoveredValue>& recovered) {
  std::string out;
  out.reserve(yaml.size() + 16);
  int index = 0;
  for (std::size_t pos = 0; pos < yaml.size(); ++index) {
    std::size_t next = yaml.find('\n', pos);
    std::size_t end = next == std::string_view::npos ? yaml.size() : next;
    std::string_view line = yaml.substr(pos, end - pos);
    std::size_t key_end = 0;
    while (key_end < line.size() && is_key_char(line[key_end]))
      ++key_end;
    bool rewritten = false;
    if (key_end > 0 && is_key_start(line[0]) && key_end + 1 < line.size() && line[key_end] == ':' &&
        line[key_end + 1] == ' ') {
      std::string_view value = trim(line.substr(key_end + 1), kBlanks);
      std::size_t colon = value.find(": ");
      bool quotable = !value.empty() &&
                      std::string_view("'\"[{|>&*!#").find(value.front()) == std::string_view::npos;
      if (quotable && (colon != std::string_view::npos || value.back() == ':')) {
        out.append(line.substr(0, key_end));
        out += ": \"";
        for (char c : value) {
          if (c == '"' || c == '\\') out += '\\';
          out += c;
        }
        out += '"';
        std::size_t value_start = line.find(value, key_end + 1);
        std::size_t at = colon == std::string_view::npos ? value.size() - 1 : colon;
        recovered.push_back({first_line + index, static_cast<int>(value_start + at) + 1,
                             std::string(line.substr(0, key_end))});
        rewritten = true;
      }
    }
    if (!rewritten) out.append(line);
    if (next == std::string_view::npos) break;
    out += '\n';
    pos = next + 1;
  }
  return out;
}

tl::expected<YamlValue, Diagnostic> parse_with_yaml_cpp(const std::string& yaml, int first_line,
                                                        const std::filesystem::path& file) {
  try {
    YAML::Node root = load_yaml(yaml);
    YamlValue value = convert(root, first_line);
    if (value.kind != YamlValue::Kind::kMapping && value.kind != YamlValue::Kind::kNull) {
      return tl::make_unexpected(
          Diagnostic{Severity::kError, file, value.line, value.column,
                     std::string("front-matter must be a mapping of keys to values, not a ") +
                         type_name(value)});
    }
    return value;
  } catch (const YAML::Exception& e) {
    int line = e.mark.line < 0 ? first_line : e.mark.line + first_line;
    int column = e.mark.column < 0 ? 1 : e.mark.column + 1;
    return tl::make_unexpected(
        Diagnostic{Severity::kError, file, line, column,
                   "invalid YAML in front-matter: " + yaml_error_message(e)});
  }
}

}  // namespace

std::optional<YamlValue> parse_simple_yaml(std::string_view yaml, int first_line,
                                           std::vector<RecoveredValue>* recovered) {
  YamlValue map;
  map.kind = YamlValue::Kind::kMapping;
  map.line = first_line;
  map.column = 1;
  int line = first_line;
  for (std::size_t pos = 0; pos < yaml.size(); ++line) {
    std::size_t next = yaml.find('\n', pos);
    std::size_t end = next == std::string_view::npos ? yaml.size() : next;
    std::string_view text = yaml.substr(pos, end - pos);
    pos = next == std::string_view::npos ? yaml.size() : next + 1;
    if (trim(text, kBlanks).empty() || text[0] == '#') continue;
    if (!is_key_start(text[0])) return std::nullopt;
    std::size_t key_end = 1;
    while (key_end < text.size() && is_key_char(text[key_end]))
      ++key_end;
    if (key_end == text.size() || text[key_end] != ':') return std::nullopt;
    if (key_end + 1 < text.size() && text[key_end + 1] != ' ') return std::nullopt;
    std::string_view rest = key_end + 1 < text.size() ? text.substr(key_end + 1) : "";
    std::string_view value = trim(rest, kBlanks);
    if (has_special_characters(value)) return std::nullopt;
    std::optional<std::string_view> quoted = simple_quoted(value);
    if (!quoted) {
      PlainShape shape = plain_shape(value);
      if (shape == PlainShape::kOther || (shape == PlainShape::kColon && recovered == nullptr)) {
        return std::nullopt;
      }
      if (shape == PlainShape::kColon) {
        // What parse_yaml_recovering makes of it: the whole value, as a quoted string.
        std::size_t colon = value.find(": ");
        std::size_t at = colon == std::string_view::npos ? value.size() - 1 : colon;
        int column = static_cast<int>(value.data() - text.data() + at) + 1;
        recovered->push_back({line, column, std::string(text.substr(0, key_end))});
        quoted = value;
      }
    }

    YamlValue key;
    key.kind = YamlValue::Kind::kScalar;
    key.text = text.substr(0, key_end);
    key.plain = true;
    key.line = line;
    key.column = 1;
    YamlValue item;
    item.line = line;
    if (quoted) {
      item.kind = YamlValue::Kind::kScalar;
      item.text = *quoted;
      item.column = static_cast<int>(value.data() - text.data()) + 1;
    } else if (resolve_plain(value) == PlainType::kNull) {
      item.column = 1;
    } else {
      item.kind = YamlValue::Kind::kScalar;
      item.text = value;
      item.plain = true;
      item.column = static_cast<int>(value.data() - text.data()) + 1;
    }
    map.entries.emplace_back(std::move(key), std::move(item));
  }
  if (map.entries.empty()) return YamlValue{};
  return map;
}

tl::expected<YamlValue, Diagnostic> parse_yaml_strict(std::string_view yaml, int first_line,
                                                      const std::filesystem::path& file) {
  return parse_with_yaml_cpp(std::string(yaml), first_line, file);
}

tl::expected<YamlValue, Diagnostic> parse_yaml_recovering(std::string_view yaml, int first_line,
                                                          const std::filesystem::path& file,
                                                          std::vector<RecoveredValue>& recovered) {
  auto strict = parse_yaml_strict(yaml, first_line, file);
  if (strict) return strict;
  std::vector<RecoveredValue> rewritten;
  std::string quoted = quote_unquoted_colons(yaml, first_line, rewritten);
  if (rewritten.empty()) return strict;
  auto retry = parse_with_yaml_cpp(quoted, first_line, file);
  if (!retry) return strict;
  recovered.insert(recovered.end(), rewritten.begin(), rewritten.end());
  return retry;
}

tl::expected<YamlValue, Diagnostic> read_front_matter_yaml(std::string_view yaml, int first_line,
                                                           const std::filesystem::path& file,
                                                           Diagnostics& warnings) {
  std::vector<RecoveredValue> recovered;
  auto result = [&]() -> tl::expected<YamlValue, Diagnostic> {
    if (auto simple = parse_simple_yaml(yaml, first_line, &recovered)) return *std::move(simple);
    recovered.clear();
    return parse_yaml_recovering(yaml, first_line, file, recovered);
  }();
  for (const auto& r : recovered) {
    warnings.push_back({Severity::kWarning, file, r.line, r.column,
                        "unquoted ': ' in the value of '" + r.key +
                            "' is not valid YAML; read the whole line as text (quote the value "
                            "to make this explicit)"});
  }
  return result;
}

std::optional<ReadFrontMatter> read_front_matter(std::string_view text,
                                                 const std::filesystem::path& file,
                                                 Diagnostics& diagnostics) {
  auto split = split_front_matter(text, file);
  if (!split) {
    diagnostics.push_back(std::move(split.error()));
    return std::nullopt;
  }
  auto yaml = read_front_matter_yaml(split->yaml, split->yaml_first_line, file, diagnostics);
  if (!yaml) {
    diagnostics.push_back(std::move(yaml.error()));
    return std::nullopt;
  }
  return ReadFrontMatter{*split, std::move(*yaml)};
}

}  // namespace agentry::agents
