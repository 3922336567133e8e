#pragma once
/// Asking an OpenAI-compatible server for a model's context window, where the server has a
/// standard field for it:
///   vLLM       GET {base_url}/models → data[i].max_model_len of the entry whose id is the model;
///   llama.cpp  GET {base_url without /v1}/props → default_generation_settings.n_ctx (the served
///              context, which the `--ctx-size` flag sets; its /v1/models shows only the training
///              context).
/// One short look-up (kProbeTimeouts), made lazily by ContextWindows the first time a window is
/// needed; any failure — refused connection, 404, unreadable JSON, no such field — is "unknown".
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/context_window.hpp"
#include "llm/http_client.hpp"

namespace agentry::llm {

/// Bounds of one probe request: a server that does not answer at once is not asked again.
inline constexpr HttpTimeouts kProbeTimeouts{
    std::chrono::milliseconds(2'000), std::chrono::seconds(2), std::chrono::milliseconds(3'000)};

/// max_model_len of `model`'s entry in a /v1/models list (vLLM); nullopt when absent.
std::optional<int> window_from_models_list(const nlohmann::json& body, std::string_view model);

/// default_generation_settings.n_ctx of a llama.cpp /props answer (or a top-level n_ctx).
std::optional<int> window_from_props(const nlohmann::json& body);

/// Asks the server at `base_url` (e.g. http://127.0.0.1:8000/v1), sending `headers` (the
/// provider's, for its key): /models first, then /props.
std::optional<ServerWindow> probe_server_window(
    HttpClient& http, const std::vector<std::pair<std::string, std::string>>& headers,
    std::string_view base_url, std::string_view model, std::stop_token stop);

}  // namespace agentry::llm
