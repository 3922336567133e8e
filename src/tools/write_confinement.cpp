#include "tools/write_confinement.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {

bool below(const fs::path& path, const fs::path& folder) {
  auto rel = path.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != "..";
}

/// The entries of one dep-info file (make syntax: `target: dep dep…`, spaces escaped as `\ `).
bool read_dep_info(const fs::path& file, std::set<fs::path>& out) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    auto colon = line.find(": ");
    if (colon == std::string::npos) {
      if (line.back() != ':') continue;
      colon = line.size() - 1;
    }
    std::string token;
    for (std::size_t i = colon + 1; i <= line.size(); ++i) {
      char c = i < line.size() ? line[i] : ' ';
      if (c == '\\' && i + 1 < line.size() && line[i + 1] == ' ') {
        token += ' ';
        ++i;
      } else if (c == ' ') {
        if (!token.empty()) out.insert(token);
        token.clear();
      } else {
        token += c;
      }
    }
  }
  return true;
}

/// rustc's dep-info beside an artifact: `…/deps/libname-hash.rmeta` -> `…/deps/name-hash.d`,
/// a build script `…/build_script_build-hash` -> `…/build_script_build-hash.d`; empty for other
/// files (a shared library, debug info).
fs::path dep_info_of(fs::path artifact) {
  auto ext = artifact.extension();
  if (ext == ".rmeta" || ext == ".rlib") {
    std::string stem = artifact.stem().string();
    if (stem.starts_with("lib")) stem.erase(0, 3);
    return artifact.parent_path() / (stem + ".d");
  }
  if (ext.empty() || ext == ".exe") return artifact.replace_extension(".d");
  return {};
}

}  // namespace

std::optional<std::string> confinement_problem(const Workspace& workspace,
                                               const std::vector<fs::path>& files,
                                               const fs::path& base,
                                               const std::vector<fs::path>& generated) {
  for (const auto& given : files) {
    fs::path path = given.is_absolute() ? given : base / given;
    std::error_code ec;
    fs::path real = fs::weakly_canonical(path, ec);
    if (ec) real = path.lexically_normal();
    bool is_generated = false;
    for (const auto& folder : generated) {
      fs::path canonical_folder = fs::weakly_canonical(folder, ec);
      if (below(real, ec ? folder : canonical_folder)) is_generated = true;
    }
    if (is_generated) continue;
    std::string shown = workspace.contains(real) ? workspace.display(real) : real.string();
    std::string named = real == path.lexically_normal()
                            ? fmt::format("`{}`", shown)
                            : fmt::format("`{}` (through `{}`)", shown, given.string());
    if (!workspace.contains(real))
      return fmt::format(
          "it would write {}, which lies outside the workspace (a `#[path]` module or a symlink "
          "leads there); agentry's tools write only inside the workspace",
          named);
    if (workspace.in_settings_folder(real))
      return fmt::format(
          "it would write {}, which lies in a settings folder (.git, .agentry, .claude, "
          ".opencode); those are changed only with a person's approval, through write_file or "
          "edit_file",
          named);
  }
  return std::nullopt;
}

CompiledSources compiled_sources(std::string_view cargo_json) {
  std::set<fs::path> sources;
  CompiledSources out;
  std::size_t start = 0;
  while (start < cargo_json.size()) {
    auto end = cargo_json.find('\n', start);
    if (end == std::string_view::npos) end = cargo_json.size();
    auto line = cargo_json.substr(start, end - start);
    start = end + 1;
    if (line.find("\"compiler-artifact\"") == std::string_view::npos) continue;
    auto msg = nlohmann::json::parse(line, nullptr, false);
    if (!msg.is_object() || msg.value("reason", "") != "compiler-artifact") continue;
    std::string id = msg.value("package_id", "");
    // Local packages: `path+file://…` (cargo 1.77+) or `name version (path+file://…)`.
    if (id.find("path+file://") == std::string::npos) continue;
    auto names = msg.find("filenames");
    if (names == msg.end() || !names->is_array()) continue;
    for (const auto& name : *names) {
      if (!name.is_string()) continue;
      fs::path artifact = name.get<std::string>();
      fs::path dep = dep_info_of(artifact);
      bool is_library = artifact.extension() == ".rmeta" || artifact.extension() == ".rlib";
      if (!dep.empty() && !read_dep_info(dep, sources) && is_library) out.unreadable.push_back(dep);
    }
  }
  out.files.assign(sources.begin(), sources.end());
  return out;
}

fs::path cargo_target_folder(const std::optional<fs::path>& configured, const Workspace& workspace,
                             const fs::path& cargo_root) {
  if (!configured) return cargo_root / "target";
  return configured->is_absolute() ? *configured : workspace.root() / *configured;
}

}  // namespace agentry::tools
