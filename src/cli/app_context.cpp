#include "cli/app_context.hpp"

#include <array>
#include <system_error>
#include <unistd.h>

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

void load_app_config(AppContext& ctx) {
  ctx.config = load_config(ctx.env, ctx.cwd);
  if (!ctx.config) return;
  const auto* providers = ctx.config->find("/providers");
  if (providers == nullptr || !providers->is_object()) return;
  for (const auto& [name, provider] : providers->items()) {
    if (!provider.is_object()) continue;
    auto key_env = provider.find("api_key_env");
    if (key_env != provider.end() && key_env->is_string() && !key_env->get<std::string>().empty())
      ctx.env.mark_secret(key_env->get<std::string>());
  }
}

}  // namespace agentry::cli
