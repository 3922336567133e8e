#include "cli/app_context.hpp"

#include <array>
#include <system_error>
#include <unistd.h>

#include "cli/project_trust.hpp"
#include "core/build_paths.hpp"
#include "core/config.hpp"

namespace agentry::cli {

namespace fs = std::filesystem;

fs::path find_data_dir(const Environment& env) {
  if (auto dir = env.get("AGENTRY_DATA_DIR"); dir && !dir->empty()) return *dir;
  std::array<char, 4096> buf{};
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  std::error_code ec;
  if (n > 0) {
    fs::path exe(std::string(buf.data(), static_cast<std::size_t>(n)));
    fs::path installed = exe.parent_path().parent_path() / "share" / "agentry";
    if (fs::is_directory(installed / "agents", ec)) return installed;
  }
  return fs::path(AGENTRY_SOURCE_DIR);
}

namespace {

/// Marks every variable a provider of `config` reads its key from as secret.
void mark_key_variables(const Config& config, Environment& env) {
  const auto* providers = config.find("/providers");
  if (providers == nullptr || !providers->is_object()) return;
  for (const auto& [name, provider] : providers->items()) {
    if (!provider.is_object()) continue;
    auto key_env = provider.find("api_key_env");
    if (key_env != provider.end() && key_env->is_string() && !key_env->get<std::string>().empty())
      env.mark_secret(key_env->get<std::string>());
  }
}

}  // namespace

void load_app_config(AppContext& ctx) {
  const auto user_file = user_config_file(ctx.env);
  auto config = load_config_files({user_file});
  if (!config) {
    ctx.config = std::move(config);
    return;
  }
  mark_key_variables(*config, ctx.env);
  if (auto project_file = project_config_file(ctx.cwd)) {
    auto project = load_config_files({*project_file});
    if (!project) {
      ctx.config = std::move(project);
      return;
    }
    // Even a variable named by an ignored provider stays out of child processes.
    mark_key_variables(*project, ctx.env);
    const auto root = project_file->parent_path().parent_path();  // <root>/.agentry/config.yaml
    if (!project_trusted(*config, root, ctx.env, ctx.trust_project)) {
      for (const auto& warning : restrict_untrusted_project(*project, root, user_file)) {
        if (ctx.log) ctx.log->warn("{}", warning);
      }
    }
    config->merge(*project);
  }
  ctx.config = std::move(config);
}

}  // namespace agentry::cli
