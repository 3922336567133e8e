#include "tools/cargo_invocation.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <map>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/logger.h>

#include "tools/capped_text.hpp"
#include "tools/executors.hpp"

namespace agentry::tools {

namespace fs = std::filesystem;

namespace {
/// cargo's JSON stream can be several MB for a big crate; it is parsed, never shown whole.
constexpr std::size_t kCargoStdoutCap = 32 * 1024 * 1024;
}  // namespace

namespace {

constexpr std::size_t kMaxNameLength = 200;

bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// A package name as `-p` matches it: letters, digits, `-`, `_`, and the glob characters `*`
/// and `?`; never starting with `-`.
bool valid_package_name(std::string_view name) {
  if (name.empty() || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return ascii_alnum(c) || c == '-' || c == '_' || c == '*' || c == '?';
  });
}

/// A package spec for `--package`: NAME, NAME@VERSION or NAME:VERSION (VERSION starts with a
/// digit: `1`, `1.2.3`, `0.1.0-beta.1+build`).
bool valid_package_spec(std::string_view spec) {
  if (spec.size() > kMaxNameLength) return false;
  auto at = spec.find_first_of("@:");
  if (!valid_package_name(spec.substr(0, at))) return false;
  if (at == std::string_view::npos) return true;
  auto version = spec.substr(at + 1);
  return !version.empty() && version.front() >= '0' && version.front() <= '9' &&
         std::all_of(version.begin(), version.end(),
                     [](char c) { return ascii_alnum(c) || c == '.' || c == '-' || c == '+'; });
}

/// A feature for `--features`: FEATURE or PACKAGE/FEATURE, FEATURE starting with a letter, a
/// digit or `_`, then letters, digits, `_`, `-`, `+` and `.` (cargo's rule, in ASCII).
bool valid_feature(std::string_view feature) {
  if (feature.size() > kMaxNameLength) return false;
  if (auto slash = feature.find('/'); slash != std::string_view::npos) {
    if (!valid_package_name(feature.substr(0, slash))) return false;
    feature.remove_prefix(slash + 1);
  }
  if (feature.empty() || !(ascii_alnum(feature.front()) || feature.front() == '_')) return false;
  return std::all_of(feature.begin(), feature.end(), [](char c) {
    return ascii_alnum(c) || c == '_' || c == '-' || c == '+' || c == '.';
  });
}

/// `text` quoted for a message, cut and with control characters escaped.
std::string quoted_value(const std::string& text) {
  return nlohmann::json(text.substr(0, 80) + (text.size() > 80 ? "..." : "")).dump();
}

}  // namespace

tl::expected<CargoOptions, std::string> CargoOptions::from_arguments(const nlohmann::json& args) {
  CargoOptions o;
  if (auto p = args.find("package"); p != args.end() && p->is_string()) {
    o.package = p->get<std::string>();
    if (!valid_package_spec(*o.package))
      return tl::make_unexpected(fmt::format(
          "package {} is not a package cargo can select: give a member's name as in its "
          "Cargo.toml (letters, digits, `-` and `_`, not starting with `-`), optionally with "
          "@VERSION",
          quoted_value(*o.package)));
  }
  if (auto f = args.find("features"); f != args.end() && f->is_array()) {
    for (const auto& x : *f) {
      if (!x.is_string()) continue;
      o.features.push_back(x.get<std::string>());
      if (!valid_feature(o.features.back()))
        return tl::make_unexpected(fmt::format(
            "feature {} is not a feature name cargo accepts: one name per entry, as in "
            "Cargo.toml's [features] (a letter, digit or `_`, then letters, digits, `_`, `-`, "
            "`+`, `.`), or PACKAGE/FEATURE",
            quoted_value(o.features.back())));
    }
  }
  o.all_targets = args.value("all_targets", false);
  return o;
}

std::vector<std::string> CargoOptions::flags() const {
  std::vector<std::string> out;
  if (package) out.push_back("--package=" + *package);
  if (!features.empty()) out.push_back(fmt::format("--features={}", fmt::join(features, ",")));
  if (all_targets) out.push_back("--all-targets");
  return out;
}

std::string test_filter_problem(const std::string& filter) {
  if (filter.starts_with('-'))
    return fmt::format(
        "test_name {} starts with `-`; no test name does: give a part of a test's name, such "
        "as `parse` or `tests::parse_empty`",
        quoted_value(filter));
  if (std::any_of(filter.begin(), filter.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    return fmt::format(
        "test_name {} holds a control character; give a part of a test's name, such as `parse`",
        quoted_value(filter));
  return {};
}

CargoRoot find_cargo_root(const Workspace& workspace) {
  std::error_code ec;
  if (fs::is_regular_file(workspace.root() / "Cargo.toml", ec)) return {workspace.root(), {}};
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(workspace.root(), ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it.depth() >= 2 || (it->is_directory(ec) && is_skipped_directory(it->path().filename()))) {
      it.disable_recursion_pending();
    }
    if (it->path().filename() == "Cargo.toml" && it->is_regular_file(ec))
      found.push_back(it->path().parent_path());
  }
  if (found.size() == 1) return {found.front(), {}};
  if (found.empty())
    return {std::nullopt,
            "there is no Cargo.toml in the workspace root (nor one or two folders below it); "
            "cargo tools need a crate"};
  std::vector<std::string> names;
  for (const auto& f : found)
    names.push_back(workspace.display(f));
  std::sort(names.begin(), names.end());
  return {std::nullopt,
          fmt::format("the workspace root has no Cargo.toml and several folders below it do ({}); "
                      "cargo tools cannot tell which crate you mean",
                      fmt::join(names, ", "))};
}

ProcessRequest cargo_request(const ToolServices& services, const ToolSpec& spec,
                             const Workspace& workspace, const fs::path& root,
                             std::vector<std::string> argv) {
  ProcessRequest req;
  req.argv = std::move(argv);
  req.cwd = root;
  req.environment = child_environment(services.environment);
  req.timeout = spec.limits.timeout;
  req.capture_cap = kCargoStdoutCap;
  req.writable = {workspace.root()};
  if (services.cargo_target_dir) {
    fs::path target = services.cargo_target_dir->is_absolute()
                          ? *services.cargo_target_dir
                          : workspace.root() / *services.cargo_target_dir;
    req.environment.set("CARGO_TARGET_DIR", target.string());
    req.writable.push_back(target);
  } else if (auto env_target = req.environment.get("CARGO_TARGET_DIR");
             env_target && !env_target->empty()) {
    req.writable.push_back(*env_target);
  }
  return req;
}

Result<ProcessResult> run_logged(const ToolServices& services, const ProcessRequest& request,
                                 std::stop_token stop) {
  auto result = services.runner->run(request, stop);
  if (services.log) {
    if (result) {
      services.log->debug("ran `{}` in {}: exit {}, signal {}, {} ms, {} + {} bytes of output",
                          display_command(request.argv), request.cwd.string(), result->exit_code,
                          result->term_signal, result->elapsed.count(), result->out.total_bytes,
                          result->err.total_bytes);
    } else {
      services.log->debug("`{}` in {} did not run: {}", display_command(request.argv),
                          request.cwd.string(), result.error().to_string());
    }
  }
  return result;
}

PathMapper cargo_path_mapper(const Workspace& workspace, const fs::path& root) {
  auto cache = std::make_shared<std::map<std::string, std::string>>();
  return [workspace, root, cache](const std::string& file_name) -> std::string {
    if (file_name.empty()) return file_name;
    if (auto it = cache->find(file_name); it != cache->end()) return it->second;
    fs::path p(file_name);
    std::string shown = file_name;
    std::error_code ec;
    if (p.is_absolute()) {
      if (workspace.contains(p.lexically_normal())) shown = workspace.display(p.lexically_normal());
    } else {
      // Relative to cargo's workspace root: the crate root or one of its ancestors.
      for (fs::path dir = root; workspace.contains(dir); dir = dir.parent_path()) {
        if (fs::exists(dir / p, ec)) {
          shown = workspace.display((dir / p).lexically_normal());
          break;
        }
        if (dir == workspace.root()) break;
      }
    }
    cache->emplace(file_name, shown);
    return shown;
  };
}

std::string abnormal_end(const ProcessResult& result, const std::string& command,
                         const ToolSpec& spec) {
  if (result.timed_out)
    return fmt::format(
        "{} timed out after {} s and was stopped", command,
        std::chrono::duration_cast<std::chrono::seconds>(spec.limits.timeout).count());
  if (result.term_signal != 0)
    return fmt::format("{} was killed by signal {} ({})", command, result.term_signal,
                       strsignal(result.term_signal));
  return {};
}

std::string cargo_stderr_summary(const std::string& err, std::size_t cap) {
  static constexpr std::string_view kProgress[] = {
      "Compiling ", "Checking ",   "Finished ", "Running ",   "Doc-tests ",
      "Blocking ",  "Locking ",    "Updating ", "Fresh ",     "Building ",
      "Fixing ",    "Executable ", "Adding ",   "Downloaded "};
  std::string out;
  std::size_t start = 0;
  while (start < err.size()) {
    auto end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    std::string_view line(err.data() + start, end - start);
    start = end + 1;
    auto body = line.substr(std::min(line.find_first_not_of(' '), line.size()));
    bool progress = false;
    for (auto p : kProgress)
      progress = progress || body.starts_with(p);
    if (progress || body.empty()) continue;
    out.append(line);
    out += '\n';
  }
  return cap_text(valid_utf8(out), cap);
}

}  // namespace agentry::tools
