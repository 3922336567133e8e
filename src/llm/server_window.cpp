#include "llm/server_window.hpp"

#include "core/json_depth.hpp"
#include "core/text.hpp"
#include "llm/wire_format.hpp"

namespace agentry::llm {

using nlohmann::json;

namespace {

/// Bytes of a probe answer read at most (a /v1/models list of a big gateway is ~100 KB).
constexpr std::size_t kMaxProbeBody = 1 << 20;

std::optional<int> positive_int(const json& obj, const char* key) {
  auto it = obj.is_object() ? obj.find(key) : obj.end();
  if (it == obj.end()) return std::nullopt;
  auto n = token_count(*it);
  if (!n || *n <= 0 || *n > 1'000'000'000) return std::nullopt;
  return static_cast<int>(*n);
}

std::optional<json> get_json(HttpClient& http,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             std::string url, std::stop_token stop) {
  HttpRequest request{std::move(url), headers, {}};
  std::string body;
  auto response = http.get(
      request,
      [&body](std::string_view bytes) {
        body.append(bytes);
        return body.size() <= kMaxProbeBody;
      },
      stop, kProbeTimeouts);
  if (!response || response->status < 200 || response->status >= 300) return std::nullopt;
  if (json_too_deep(body)) return std::nullopt;
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

}  // namespace

std::optional<int> window_from_models_list(const json& body, std::string_view model) {
  auto data = body.is_object() ? body.find("data") : body.end();
  if (data == body.end() || !data->is_array()) return std::nullopt;
  for (const auto& entry : *data) {
    if (member_text(entry, "id") == model) return positive_int(entry, "max_model_len");
  }
  return std::nullopt;
}

std::optional<int> window_from_props(const json& body) {
  if (!body.is_object()) return std::nullopt;
  if (auto n = positive_int(member_object(body, "default_generation_settings"), "n_ctx")) return n;
  return positive_int(body, "n_ctx");
}

std::optional<ServerWindow> probe_server_window(
    HttpClient& http, const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view base_url, std::string_view model, std::stop_token stop) {
  std::string base = without_trailing_slashes(std::string(base_url));
  if (auto list = get_json(http, headers, base + "/models", stop)) {
    if (auto n = window_from_models_list(*list, model)) {
      return ServerWindow{*n, "GET /v1/models max_model_len"};
    }
  }
  if (stop.stop_requested()) return std::nullopt;
  std::string root = base.ends_with("/v1") ? base.substr(0, base.size() - 3) : base;
  if (auto props = get_json(http, headers, root + "/props", stop)) {
    if (auto n = window_from_props(*props)) {
      return ServerWindow{*n, "GET /props default_generation_settings.n_ctx"};
    }
  }
  return std::nullopt;
}

}  // namespace agentry::llm
