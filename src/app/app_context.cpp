#include "app/app_context.hpp"

#include <array>
#include <string>
#include <system_error>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "app/config_settings.hpp"
#include "app/project_trust.hpp"
#include "core/build_paths.hpp"
#include "core/config.hpp"
#include "llm/redact.hpp"

namespace agentry::app {

namespace fs = std::filesystem;

Result<fs::path> find_data_dir(const Environment& env, const fs::path& exe) {
  std::error_code ec;
  if (auto dir = env.get("AGENTRY_DATA_DIR"); dir && !dir->empty()) {
    if (fs::is_directory(*dir, ec)) return fs::path(*dir);
    return fail(ErrorCode::kConfig, "AGENTRY_DATA_DIR is not a folder", *dir,
                "set it to the folder that holds agents/, prompts/, tools/ and examples/, or "
                "unset it to use the installed data");
  }
  std::vector<fs::path> looked_in;
  auto holds_data = [&](const fs::path& dir) {
    looked_in.push_back(dir);
    return fs::is_directory(dir / "agents", ec);
  };
  if (!exe.empty()) {
    if (fs::path installed =
            (exe.parent_path() / build_paths::installed_data_from_bindir()).lexically_normal();
        holds_data(installed))
      return installed;
    // Only the binary where the build put it reads the source tree: an installed or copied one
    // must not depend on a checkout that may change or vanish.
    if (fs::equivalent(exe.parent_path(), build_paths::binary_dir(), ec)) {
      if (fs::path source = build_paths::source_dir(); holds_data(source)) return source;
    }
  }
  std::string folders;
  for (const auto& dir : looked_in) {
    if (!folders.empty()) folders += ", ";
    folders += dir.string();
  }
  return fail(
      ErrorCode::kConfig,
      fmt::format("agentry's data (agents/, prompts/, tools/, examples/) was not found; "
                  "looked in: {}",
                  folders.empty() ? "nowhere (the program's own path is unknown)" : folders),
      "", "set AGENTRY_DATA_DIR to the folder that holds them, or reinstall agentry");
}

Result<fs::path> find_data_dir(const Environment& env) {
  std::array<char, 4096> buf{};
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  fs::path exe =
      n > 0 ? fs::path(std::string(buf.data(), static_cast<std::size_t>(n))) : fs::path();
  return find_data_dir(env, exe);
}

namespace {

/// Marks every variable a provider of `config` reads its key from as secret, and returns the
/// literal credential headers its providers send (both are what the redactor cuts out).
std::vector<std::string> mark_provider_secrets(const Config& config, AppContext& ctx) {
  std::vector<std::string> header_values;
  const auto* providers = config.find("/providers");
  if (providers == nullptr || !providers->is_object()) return header_values;
  for (const auto& [name, provider] : providers->items()) {
    if (!provider.is_object()) continue;
    auto key_env = provider.find("api_key_env");
    if (key_env != provider.end() && key_env->is_string() && !key_env->get<std::string>().empty() &&
        !ctx.env.mark_secret(key_env->get<std::string>()) && ctx.log) {
      ctx.log->warn(
          "{}: `api_key_env: {}` names a variable tools need: it is not treated as a key, and "
          "child processes keep it",
          config.where("/providers/" + json_pointer_segment(name) + "/api_key_env"),
          key_env->get<std::string>());
    }
    auto headers = provider.find("headers");
    if (headers == provider.end() || !headers->is_object()) continue;
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& [header, value] : headers->items()) {
      if (value.is_string()) pairs.emplace_back(header, value.get<std::string>());
    }
    for (auto& secret : llm::header_secrets(pairs))
      header_values.push_back(std::move(secret));
  }
  return header_values;
}

/// The user's config with the project's merged over it (restricted unless trusted).
Result<Config> read_configs(AppContext& ctx) {
  const auto user_file = user_config_file(ctx.env);
  auto config = load_config_files({user_file});
  if (!config) return config;
  const auto project_file = project_config_file(ctx.cwd);
  // <root>/.agentry/config.yaml; outside a project, agent files still come from cwd.
  const auto root = project_file ? project_file->parent_path().parent_path() : ctx.cwd;
  ctx.project_trusted = project_trusted(*config, root, ctx.env, ctx.trust_project);
  ctx.trust_advice = {root, user_file};
  if (!project_file) return config;
  auto project = load_config_files({*project_file});
  if (!project) return project;
  if (!ctx.project_trusted) {
    for (const auto& warning : restrict_untrusted_project(*project, *config, ctx.trust_advice)) {
      if (ctx.log) ctx.log->warn("{}", warning);
    }
  }
  config->merge(*project);
  return config;
}

}  // namespace

void load_app_config(AppContext& ctx) {
  ctx.config = read_configs(ctx);
  std::vector<std::string> header_values;
  if (ctx.config) header_values = mark_provider_secrets(*ctx.config, ctx);
  ctx.redactor = std::make_shared<const SecretRedactor>(
      SecretRedactor::from_environment(ctx.env, header_values));
}

}  // namespace agentry::app
