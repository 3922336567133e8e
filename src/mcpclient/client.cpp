#include "mcpclient/client.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "mcpclient/jsonrpc.hpp"

namespace agentry::mcpclient {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxToolPages = 100;
constexpr std::size_t kGarbageShown = 120;

std::string seconds(std::chrono::milliseconds ms) {
  return ms.count() % 1000 == 0 ? fmt::format("{}s", ms.count() / 1000)
                                : fmt::format("{}ms", ms.count());
}

std::string rpc_error_text(const json& error) {
  std::string message = error.value("message", std::string("(no message)"));
  if (error.contains("code") && error["code"].is_number_integer())
    message += fmt::format(" (JSON-RPC error {})", error["code"].get<std::int64_t>());
  return message;
}

}  // namespace

bool supported_protocol_version(std::string_view version) {
  static constexpr std::array<std::string_view, 4> kAccepted{"2024-11-05", "2025-03-26",
                                                             "2025-06-18", "2025-11-25"};
  return std::find(kAccepted.begin(), kAccepted.end(), version) != kAccepted.end();
}

Client::Client(std::unique_ptr<Transport> transport, std::string server,
               std::shared_ptr<spdlog::logger> log)
    : transport_(std::move(transport)), server_(std::move(server)), log_(std::move(log)) {}

Client::~Client() {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) closed_ = "the connection was closed";
  }
  changed_.notify_all();
  transport_->close();
}

bool Client::alive() const {
  std::lock_guard lock(mutex_);
  return !closed_;
}

std::string Client::closed_reason() const {
  std::lock_guard lock(mutex_);
  return closed_.value_or("");
}

bool Client::tools_changed() const {
  std::lock_guard lock(mutex_);
  return tools_changed_;
}

std::string Client::garbage_note() const {
  if (garbage_lines_ == 0) return {};
  return fmt::format("; it wrote {} line(s) that are not JSON-RPC messages, the first: `{}`",
                     garbage_lines_, first_garbage_);
}

void Client::on_closed(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) closed_ = reason;
  }
  changed_.notify_all();
}

void Client::on_message(std::string_view text) {
  auto message = jsonrpc::parse_message(text);
  if (auto* response = std::get_if<jsonrpc::Response>(&message)) {
    if (!response->id.is_number_integer()) return;
    {
      std::lock_guard lock(mutex_);
      auto it = pending_.find(response->id.get<std::int64_t>());
      if (it == pending_.end()) return;  // answered after we gave up on it
      if (response->error.is_null()) {
        it->second.result = response->result;
      } else {
        it->second.error = response->error;
      }
    }
    changed_.notify_all();
  } else if (auto* note = std::get_if<jsonrpc::Notification>(&message)) {
    const json& params = note->params;
    if (note->method == "notifications/progress" && params.is_object()) {
      json token = params.value("progressToken", json());
      Pending* target = nullptr;
      std::unique_lock lock(mutex_);
      for (auto& [id, pending] : pending_) {
        if (token.is_string() && pending.on_progress &&
            token.get<std::string>() == pending.progress_token)
          target = &pending;
      }
      if (target == nullptr || !params.contains("progress") || !params["progress"].is_number())
        return;
      Progress progress{params["progress"].get<double>(), std::nullopt,
                        params.value("message", std::string())};
      if (params.contains("total") && params["total"].is_number())
        progress.total = params["total"].get<double>();
      // Called without the lock (it may take long, print, emit events); request() waits for it
      // before it returns, so the entry and what the callback captured stay alive.
      ++target->callbacks_running;
      ProgressFn callback = target->on_progress;
      lock.unlock();
      callback(progress);
      lock.lock();
      --target->callbacks_running;
      lock.unlock();
      changed_.notify_all();
    } else if (note->method == "notifications/tools/list_changed") {
      std::lock_guard lock(mutex_);
      tools_changed_ = true;
    } else if (note->method == "notifications/message" && params.is_object() && log_) {
      log_->info("mcp {} ({}): {}", server_, params.value("level", std::string("info")),
                 params.value("data", json()).dump());
    }
  } else if (auto* request = std::get_if<jsonrpc::Request>(&message)) {
    // The server asks us: we answer ping and offer nothing else (no roots, sampling, elicitation).
    json answer =
        request->method == "ping"
            ? jsonrpc::make_result(request->id, json::object())
            : jsonrpc::make_error(request->id, jsonrpc::kMethodNotFound,
                                  fmt::format("agentry does not offer {}", request->method));
    [[maybe_unused]] auto sent = transport_->send(answer);
  } else if (auto* invalid = std::get_if<jsonrpc::Invalid>(&message)) {
    std::lock_guard lock(mutex_);
    if (garbage_lines_++ == 0) {
      first_garbage_ = std::string(text.substr(0, kGarbageShown));
      if (text.size() > kGarbageShown) first_garbage_ += "…";
    }
    if (log_) log_->warn("mcp {}: ignored a message: {}", server_, invalid->message);
  }
}

void Client::notify(const std::string& method, json params) {
  auto sent = transport_->send(jsonrpc::make_notification(method, std::move(params)));
  if (!sent && log_) log_->debug("mcp {}: {} not sent: {}", server_, method, sent.error().message);
}

Result<json> Client::request(const std::string& method, json params,
                             std::chrono::milliseconds timeout, std::stop_token stop,
                             const ProgressFn* on_progress) {
  const std::string where = fmt::format("MCP server `{}`", server_);
  std::int64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    if (closed_)
      return fail(ErrorCode::kTool, fmt::format("the server {}", *closed_), where,
                  "it is restarted on the next call");
    id = next_id_++;
    Pending& pending = pending_[id];
    if (on_progress != nullptr && *on_progress) {
      pending.on_progress = *on_progress;
      pending.progress_token = fmt::format("agentry-{}", id);
      if (!params.is_object()) params = json::object();
      params["_meta"]["progressToken"] = pending.progress_token;
    }
  }
  json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  if (auto sent = transport_->send(message); !sent) {
    std::lock_guard lock(mutex_);
    pending_.erase(id);
    return tl::make_unexpected(sent.error());
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  Pending* pending = &pending_[id];
  bool done = changed_.wait_until(lock, stop, deadline, [&] {
    return pending->result || pending->error || closed_.has_value();
  });
  changed_.wait(lock, [&] { return pending->callbacks_running == 0; });
  Pending finished = std::move(*pending);
  pending_.erase(id);
  std::string garbage = garbage_note();
  std::optional<std::string> closed = closed_;
  lock.unlock();
  if (finished.result) return std::move(*finished.result);
  if (finished.error)
    return fail(ErrorCode::kTool,
                fmt::format("{} failed: {}", method, rpc_error_text(*finished.error)), where);
  if (done && closed)
    return fail(ErrorCode::kTool,
                fmt::format("the server {} before answering {}{}", *closed, method, garbage), where,
                "see the log (--log-level info) for its stderr; it is restarted on the next call");
  // Cancelled or timed out: tell the server to stop working on it.
  bool cancelled = stop.stop_requested();
  std::string reason =
      cancelled ? "cancelled by the user" : fmt::format("no answer within {}", seconds(timeout));
  if (method != "initialize")
    notify("notifications/cancelled", json{{"requestId", id}, {"reason", reason}});
  if (cancelled) return fail(ErrorCode::kCancelled, fmt::format("{} cancelled", method), where);
  return fail(ErrorCode::kTimeout, fmt::format("{}: {}{}", method, reason, garbage), where,
              "raise the server's `timeout` in the config if it is slow");
}

Result<ServerInfo> Client::initialize(std::chrono::milliseconds timeout, std::stop_token stop) {
  const std::string where = fmt::format("MCP server `{}`", server_);
  auto started = transport_->start(TransportEvents{
      [this](std::string_view text) { on_message(text); },
      [this](const std::string& reason) { on_closed(reason); },
  });
  if (!started) return tl::make_unexpected(started.error());
  json params{{"protocolVersion", kProtocolVersion},
              {"capabilities", json::object()},
              {"clientInfo", {{"name", "agentry"}, {"version", AGENTRY_VERSION}}}};
  auto result = request("initialize", std::move(params), timeout, stop, nullptr);
  if (!result) return tl::make_unexpected(result.error());
  if (!result->is_object() || !(*result)["protocolVersion"].is_string())
    return fail(ErrorCode::kTool,
                fmt::format("its answer to initialize has no protocolVersion: {}",
                            result->dump().substr(0, 200)),
                where);
  ServerInfo info;
  info.protocol_version = (*result)["protocolVersion"].get<std::string>();
  if (!supported_protocol_version(info.protocol_version))
    return fail(ErrorCode::kTool,
                fmt::format("it speaks MCP {}, which agentry does not (it speaks 2024-11-05, "
                            "2025-03-26, 2025-06-18 and 2025-11-25)",
                            info.protocol_version),
                where);
  if (auto server = result->find("serverInfo"); server != result->end() && server->is_object()) {
    info.name = server->value("name", std::string());
    info.version = server->value("version", std::string());
  }
  if (auto text = result->find("instructions"); text != result->end() && text->is_string())
    info.instructions = text->get<std::string>();
  transport_->initialized(info.protocol_version);
  notify("notifications/initialized", json::object());
  return info;
}

Result<std::vector<ToolInfo>> Client::list_tools(std::chrono::milliseconds timeout,
                                                 std::stop_token stop) {
  {
    std::lock_guard lock(mutex_);
    tools_changed_ = false;
  }
  std::vector<ToolInfo> tools;
  json cursor;
  for (std::size_t page = 0; page < kMaxToolPages; ++page) {
    json params = json::object();
    if (!cursor.is_null()) params["cursor"] = cursor;
    auto result = request("tools/list", std::move(params), timeout, stop, nullptr);
    if (!result) return tl::make_unexpected(result.error());
    if (!result->is_object() || !(*result)["tools"].is_array())
      return fail(ErrorCode::kTool, "its tools/list answer has no `tools` list",
                  fmt::format("MCP server `{}`", server_));
    for (const auto& tool : (*result)["tools"]) {
      if (!tool.is_object() || !tool["name"].is_string()) continue;
      ToolInfo info;
      info.name = tool["name"].get<std::string>();
      info.title = tool.value("title", std::string());
      if (tool.contains("description") && tool["description"].is_string())
        info.description = tool["description"].get<std::string>();
      info.input_schema = tool.value("inputSchema", json{{"type", "object"}});
      if (!info.input_schema.is_object()) info.input_schema = json{{"type", "object"}};
      info.annotations = tool.value("annotations", json());
      tools.push_back(std::move(info));
    }
    auto next = result->find("nextCursor");
    if (next == result->end() || next->is_null() || (next->is_string() && next->empty())) break;
    cursor = *next;
  }
  return tools;
}

Result<json> Client::call_tool(const std::string& tool, const json& arguments,
                               std::chrono::milliseconds timeout, std::stop_token stop,
                               const ProgressFn& on_progress) {
  json params{{"name", tool}, {"arguments", arguments.is_null() ? json::object() : arguments}};
  return request("tools/call", std::move(params), timeout, stop, &on_progress);
}

Result<void> Client::ping(std::chrono::milliseconds timeout, std::stop_token stop) {
  auto result = request("ping", nullptr, timeout, stop, nullptr);
  if (!result) return tl::make_unexpected(result.error());
  return {};
}

}  // namespace agentry::mcpclient
