#include "app/json_settings_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace agentry::app {

namespace {

constexpr std::uintmax_t kMaxSettingsBytes = 1 << 20;

}  // namespace

Result<nlohmann::json> read_json_settings(const std::filesystem::path& file, std::string example) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  if (ec) return fail(ErrorCode::kIo, "cannot read it", file.string());
  if (size > kMaxSettingsBytes)
    return fail(ErrorCode::kConfig,
                fmt::format("it has {} bytes; at most {} are read", size, kMaxSettingsBytes),
                file.string());
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return fail(ErrorCode::kConfig, "it is not a JSON object", file.string(), std::move(example));
  return doc;
}

}  // namespace agentry::app
