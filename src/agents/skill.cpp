#include "agents/skill.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "agents/front_matter.hpp"
#include "agents/loader.hpp"
#include "agents/registry.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

/// The format's limits: a name of at most 64 characters, a description of at most 1024.
constexpr std::size_t kMaxSkillName = 64;
constexpr std::size_t kMaxSkillDescription = 1024;

/// Keys the Agent Skills format or Claude Code define beyond those read here: kept in `extra`
/// without a warning.
constexpr std::array<std::string_view, 10> kKnownSkillKeys = {
    "license", "compatibility", "metadata",       "model", "argument-hint",
    "context", "agent",         "user-invocable", "hooks", "version"};

/// `text` with every run of whitespace (line breaks included) made one space, trimmed.
std::string one_line(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char c : trim(text)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

/// The first paragraph of a markdown body that is not a heading: Claude Code's description when
/// the front-matter has none.
std::string first_paragraph(std::string_view body) {
  std::string paragraph;
  std::istringstream in{std::string(body)};
  for (std::string line; std::getline(in, line);) {
    std::string_view text = trim(line);
    if (text.empty()) {
      if (!paragraph.empty()) break;
      continue;
    }
    if (text.front() == '#') {
      if (!paragraph.empty()) break;
      continue;
    }
    paragraph += paragraph.empty() ? "" : " ";
    paragraph += text;
  }
  return one_line(paragraph);
}

/// Tool names separated by commas or blanks; a blank inside parentheses (`Bash(git add:*)`)
/// belongs to the name.
std::vector<std::string> split_tool_names(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  auto flush = [&] {
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n')) {
      flush();
      continue;
    }
    current += c;
  }
  flush();
  return out;
}

class SkillBuilder {
 public:
  SkillBuilder(SkillDefinition& skill, const fs::path& file, Diagnostics& diagnostics)
      : skill_(skill), file_(file), diagnostics_(diagnostics) {}

  bool failed() const { return failed_; }
  /// Where `name:` was written, for its diagnostics; null without one.
  const YamlValue* name_at() const { return name_at_; }

  void apply(const YamlValue& mapping) {
    apply_unique_entries(
        mapping, file_, diagnostics_,
        [this](const YamlValue& key, const YamlValue& value) { apply_entry(key, value); });
  }

  void report(Severity severity, const YamlValue& at, std::string message) {
    if (severity == Severity::kError) failed_ = true;
    diagnostics_.push_back({severity, file_, at.line, at.column, std::move(message)});
  }

 private:
  std::optional<std::string> string_of(const YamlValue& key, const YamlValue& value) {
    if (value.kind == YamlValue::Kind::kNull) return std::string();
    if (value.is_scalar()) return value.text;
    report(Severity::kError, value,
           fmt::format("'{}' must be a string, not a {}", key.text, type_name(value)));
    return std::nullopt;
  }

  void apply_entry(const YamlValue& key, const YamlValue& value) {
    const std::string& k = key.text;
    if (k == "name") {
      if (auto s = string_of(key, value)) {
        skill_.name = trim(*s);
        name_at_ = &value;
      }
    } else if (k == "description") {
      if (auto s = string_of(key, value)) skill_.description = one_line(*s);
    } else if (k == "allowed-tools" || k == "allowed_tools" || k == "allowedTools") {
      apply_allowed_tools(value);
    } else if (k == "disable-model-invocation") {
      if (auto b = as_bool(value)) {
        skill_.model_invocable = !*b;
      } else {
        report(Severity::kWarning, value,
               fmt::format("'{}' must be true or false; the model may load this skill", k));
      }
    } else {
      skill_.extra[k] = to_json(value);
      if (std::find(kKnownSkillKeys.begin(), kKnownSkillKeys.end(), k) == kKnownSkillKeys.end())
        report(Severity::kWarning, key,
               fmt::format("unknown key '{}': kept, but agentry does not use it", k));
    }
  }

  void apply_allowed_tools(const YamlValue& value) {
    if (value.is_scalar()) {
      skill_.allowed_tools = split_tool_names(value.text);
    } else if (value.kind == YamlValue::Kind::kSequence) {
      for (const auto& item : value.items) {
        if (item.is_scalar() && !trim(item.text).empty()) {
          skill_.allowed_tools.emplace_back(trim(item.text));
        } else if (item.kind != YamlValue::Kind::kNull) {
          report(Severity::kWarning, item,
                 fmt::format("a tool name must be a string, not a {}; ignored", type_name(item)));
        }
      }
    } else if (value.kind == YamlValue::Kind::kMapping) {
      report(Severity::kWarning, value,
             "allowed-tools must be names (a list or a string), not a mapping; ignored");
    }
  }

  SkillDefinition& skill_;
  const fs::path& file_;
  Diagnostics& diagnostics_;
  bool failed_ = false;
  const YamlValue* name_at_ = nullptr;
};

/// The name rules: what would break the `skill` tool or the prompt's list is an error; what the
/// format asks of authors (lowercase, hyphens, the folder's name) a warning.
void check_name(SkillBuilder& builder, const SkillDefinition& skill, const YamlValue& at,
                const std::string& folder_name) {
  const std::string& name = skill.name;
  bool printable = std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f && c != '/' && c != '\\';
  });
  if (!printable || name.size() > kMaxSkillName * 2) {
    builder.report(Severity::kError, at,
                   fmt::format("skill name '{}' cannot be used: a name is one word of at most {} "
                               "lowercase letters, digits and hyphens",
                               name, kMaxSkillName));
    return;
  }
  if (!is_conforming_skill_name(name))
    builder.report(Severity::kWarning, at,
                   fmt::format("skill name '{}' does not follow the Agent Skills format: 1-{} "
                               "lowercase letters, digits and single hyphens, not first or last",
                               name, kMaxSkillName));
  if (name != folder_name)
    builder.report(Severity::kWarning, at,
                   fmt::format("skill name '{}' differs from its folder '{}': the format asks "
                               "for the same name (the name is what the model calls)",
                               name, folder_name));
}

std::optional<std::string> read_small_file(const fs::path& file, std::string& error) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) {
    error = fmt::format("cannot read the file: {}", ec.message());
    return std::nullopt;
  }
  if (size > kMaxAgentFileBytes) {
    error = fmt::format(
        "the file is {} bytes; a SKILL.md may have at most {} bytes, so it was not loaded (keep "
        "the instructions short and move reference material into files beside it)",
        size, kMaxAgentFileBytes);
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    error = "cannot read the file";
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

/// The SKILL.md of `folder`: exactly that name, else one spelt in another case (with a warning
/// added to `diagnostics`); empty when there is none.
fs::path find_skill_file(const fs::path& folder, Diagnostics& diagnostics) {
  std::error_code ec;
  if (fs::is_regular_file(folder / "SKILL.md", ec)) return folder / "SKILL.md";
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    std::string name = entry.path().filename().string();
    if (ascii_lower(name) == "skill.md" && entry.is_regular_file(ec)) {
      diagnostics.push_back({Severity::kWarning, entry.path(), 1, 1,
                             "the format names this file SKILL.md (upper case); read anyway"});
      return entry.path();
    }
  }
  return {};
}

}  // namespace

bool is_conforming_skill_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxSkillName) return false;
  if (name.front() == '-' || name.back() == '-' || name.find("--") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::vector<SkillDir> skill_search_path(const Environment& env, const fs::path& cwd,
                                        const std::vector<fs::path>& extra_dirs) {
  SearchPathBuilder path;
  path.add(env.home() / ".claude" / "skills", "user", true);
  path.add(env.home() / ".agents" / "skills", "user", true);
  path.add(user_config_dir(env) / "skills", "user", true);
  for (const auto& dir : project_directories(cwd)) {
    path.add(dir / ".claude" / "skills", "project", true);
    path.add(dir / ".agents" / "skills", "project", true);
    path.add(dir / ".agentry" / "skills", "project", true);
  }
  for (const auto& dir : extra_dirs)
    path.add(dir, "extra", false);
  return path.take();
}

std::optional<SkillDefinition> parse_skill(std::string text, const fs::path& file,
                                           const fs::path& folder, std::string_view scope,
                                           Diagnostics& diagnostics) {
  auto doc = read_front_matter_document(std::move(text), file, diagnostics);
  if (!doc) return std::nullopt;
  SkillDefinition skill;
  skill.extra = nlohmann::json::object();
  SkillBuilder builder(skill, file, diagnostics);
  builder.apply(doc->yaml);
  YamlValue block_start;
  block_start.line = doc->yaml_first_line - 1;
  block_start.column = 1;
  std::string folder_name = folder.filename().string();
  if (skill.name.empty()) {
    builder.report(Severity::kWarning, block_start,
                   fmt::format("no name: the skill is called '{}' after its folder; add `name: "
                               "{}`",
                               folder_name, folder_name));
    skill.name = folder_name;
  }
  check_name(builder, skill, builder.name_at() ? *builder.name_at() : block_start, folder_name);
  skill.body = trim(doc->body);
  if (skill.description.empty()) {
    skill.description = first_paragraph(skill.body);
    builder.report(Severity::kWarning, block_start,
                   skill.description.empty()
                       ? std::string("no description: the model chooses skills by it; add "
                                     "`description: …` (what the skill does and when to use it)")
                       : std::string("no description: the body's first paragraph stands in for "
                                     "it; add `description: …` (what it does, when to use it)"));
  } else if (skill.description.size() > kMaxSkillDescription) {
    builder.report(Severity::kWarning, block_start,
                   fmt::format("the description has {} characters; the format allows {} (it goes "
                               "into every system prompt: say briefly when to use the skill)",
                               skill.description.size(), kMaxSkillDescription));
  }
  if (skill.body.empty())
    diagnostics.push_back({Severity::kWarning, file, doc->body_first_line, 1,
                           "empty body: the markdown after the front-matter is what the model "
                           "reads when it loads the skill"});
  if (builder.failed()) return std::nullopt;
  std::error_code ec;
  skill.folder = fs::canonical(folder, ec);
  if (ec) skill.folder = fs::absolute(folder, ec).lexically_normal();
  skill.source = file;
  skill.scope = scope;
  return skill;
}

void load_skill_folder(const fs::path& folder, std::string_view scope, SkillLoadResult& out) {
  fs::path file = find_skill_file(folder, out.diagnostics);
  if (file.empty()) {
    out.diagnostics.push_back({Severity::kError, folder, 1, 1,
                               "no SKILL.md in this folder: a skill is a folder holding a "
                               "SKILL.md"});
    return;
  }
  std::string error;
  auto text = read_small_file(file, error);
  if (!text) {
    out.diagnostics.push_back({Severity::kError, file, 1, 1, error});
    return;
  }
  if (auto skill = parse_skill(std::move(*text), file, folder, scope, out.diagnostics))
    out.skills.push_back(std::move(*skill));
}

void load_skills_dir(const fs::path& dir, std::string_view scope, SkillLoadResult& out) {
  std::error_code ec;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with('.')) continue;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) folders.push_back(entry.path());
  }
  if (ec) {
    out.diagnostics.push_back(
        {Severity::kError, dir, 1, 1, fmt::format("cannot read the folder: {}", ec.message())});
    return;
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    Diagnostics found;
    if (find_skill_file(folder, found).empty()) {
      out.diagnostics.push_back({Severity::kInfo, folder, 1, 1,
                                 "skipped: no SKILL.md in this folder, so it is not a skill"});
      continue;
    }
    load_skill_folder(folder, scope, out);
  }
}

std::vector<std::string> skill_files(const SkillDefinition& skill, std::size_t limit,
                                     std::size_t& more) {
  std::vector<std::string> files;
  more = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(skill.folder, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    bool link = it->is_symlink(type_ec);
    if (name.starts_with('.') || (link && it->is_directory(type_ec)) || it.depth() > 8) {
      if (it->is_directory(type_ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory(type_ec)) continue;
    fs::path relative = it->path().lexically_relative(skill.folder);
    if (relative == skill.source.filename()) continue;
    files.push_back(relative.generic_string());
  }
  std::sort(files.begin(), files.end());
  if (files.size() > limit) {
    more = files.size() - limit;
    files.resize(limit);
  }
  return files;
}

SkillRegistry SkillRegistry::load(const std::vector<SkillDir>& search_path) {
  SkillLoadResult loaded;
  for (const auto& dir : search_path) {
    std::error_code ec;
    if (fs::is_directory(dir.path, ec)) {
      if (fs::exists(dir.path / "SKILL.md", ec)) {
        load_skill_folder(dir.path, dir.scope, loaded);  // a skill folder named directly
      } else {
        load_skills_dir(dir.path, dir.scope, loaded);
      }
    } else {
      loaded.diagnostics.push_back(
          {Severity::kError, dir.path, 1, 1, "skills folder not found: check the path"});
    }
  }
  return from_loaded(std::move(loaded));
}

SkillRegistry SkillRegistry::from_loaded(SkillLoadResult loaded) {
  SkillRegistry registry;
  registry.files_loaded_ = loaded.skills.size();
  registry.diagnostics_ = std::move(loaded.diagnostics);
  registry.skills_ =
      keep_later_definitions(std::move(loaded.skills), "skill", registry.diagnostics_);
  return registry;
}

const SkillDefinition* SkillRegistry::find(std::string_view name) const {
  return find_by_name(skills_, name);
}

std::vector<std::string> SkillRegistry::similar_names(std::string_view name,
                                                      std::size_t limit) const {
  std::vector<std::string_view> names;
  for (const auto& skill : skills_)
    names.emplace_back(skill.name);
  return agents::similar_names(name, names, limit);
}

}  // namespace agentry::agents
