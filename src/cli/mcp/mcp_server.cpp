#include "cli/mcp/mcp_server.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include <fmt/format.h>

#include "cli/mcp/line_reader.hpp"
#include "cli/mcp/progress.hpp"

namespace agentry::cli::mcp {

using nlohmann::json;

namespace {

constexpr std::string_view kInstructions =
    "agentry runs its agents as tools. Call the tool named after an agent with a self-contained "
    "`task`; optionally `cwd` (inside the server's roots) and `session_id` (from an earlier "
    "result, to continue that conversation). Each call is its own session and runs to the end; "
    "several calls may run at once. `list_agents` tells what each agent is for.";

std::string_view negotiate(std::string_view requested) {
  for (std::string_view v : kProtocolVersions)
    if (v == requested) return v;
  return kProtocolVersions[0];
}

json supported_versions() {
  json list = json::array();
  for (std::string_view v : kProtocolVersions)
    list.push_back(v);
  return list;
}

/// A request's params as an object: absent means empty; an array is not what MCP sends.
const json* object_params(const json& params) {
  static const json kEmpty = json::object();
  if (params.is_null()) return &kEmpty;
  return params.is_object() ? &params : nullptr;
}

json progress_token_of(const json& params) {
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return nullptr;
  auto token = meta->find("progressToken");
  if (token == meta->end() || !(token->is_string() || token->is_number_integer())) return nullptr;
  return *token;
}

}  // namespace

Result<std::unique_ptr<McpServer>> McpServer::create(engine::TaskRunner& runner,
                                                     ServerOptions options, std::ostream& out,
                                                     std::shared_ptr<spdlog::logger> log) {
  auto catalog = ToolCatalog::build(runner.agents(), options.agents);
  if (!catalog) return tl::make_unexpected(catalog.error());
  if (options.roots.empty())
    return fail(ErrorCode::kUsage, "the MCP server needs at least one root", "--root");
  std::vector<tools::Workspace> roots;
  for (const auto& dir : options.roots) {
    auto root = tools::Workspace::open(dir);
    if (!root) {
      return fail(ErrorCode::kUsage, fmt::format("root {} is not a directory", dir.string()),
                  "--root", "pass an existing directory");
    }
    roots.push_back(std::move(*root));
  }
  if (!log) log = std::make_shared<spdlog::logger>("mcp");  // no sinks: discards
  return std::unique_ptr<McpServer>(new McpServer(runner, std::move(options), std::move(*catalog),
                                                  std::move(roots), out, std::move(log)));
}

McpServer::McpServer(engine::TaskRunner& runner, ServerOptions options, ToolCatalog catalog,
                     std::vector<tools::Workspace> roots, std::ostream& out,
                     std::shared_ptr<spdlog::logger> log)
    : runner_(runner),
      options_(std::move(options)),
      catalog_(std::move(catalog)),
      roots_(std::move(roots)),
      log_(std::move(log)),
      writer_(out),
      calls_(options_.max_concurrent) {}

McpServer::~McpServer() {
  calls_.shutdown();
}

void McpServer::serve(std::istream& in) {
  LineReader reader(in, options_.max_line_bytes);
  std::string line;
  for (;;) {
    LineStatus status = reader.next(line);
    if (status == LineStatus::kEnd) break;
    if (status == LineStatus::kTooLong) {
      log_->warn("mcp: skipped an input line over {} bytes", options_.max_line_bytes);
      reply_error(nullptr, kInvalidRequest,
                  fmt::format("Invalid Request: message longer than {} bytes; it was skipped",
                              options_.max_line_bytes));
      continue;
    }
    handle_line(line);
  }
  log_->info("mcp: end of input; cancelling what still runs");
  calls_.shutdown();
}

void McpServer::handle_line(std::string_view line) {
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
  Incoming message = parse_message(line);
  // Exhaustive over the message kinds.
  struct Visitor {
    McpServer& self;
    void operator()(const Request& r) const { self.handle_request(r); }
    void operator()(const Notification& n) const { self.handle_notification(n); }
    void operator()(const Response& r) const {
      self.log_->debug("mcp: ignoring a response to id {} (agentry sends no requests)",
                       r.id.dump());
    }
    void operator()(const Invalid& e) const {
      self.log_->info("mcp: {}", e.message);
      self.reply_error(e.id, e.code, e.message);
    }
  };
  std::visit(Visitor{*this}, message);
}

void McpServer::handle_request(const Request& request) {
  const std::string& method = request.method;
  if (method == "ping") {
    writer_.send(make_result(request.id, json::object()));
  } else if (method == "initialize") {
    initialize(request);
  } else if (method == "tools/list" || method == "tools/call") {
    if (state_ != State::kInitialized) {
      reply_error(request.id, kInvalidRequest,
                  "Invalid Request: the session is not initialized; send initialize first");
      return;
    }
    if (method == "tools/call") {
      call_tool(request);
      return;
    }
    const json* params = object_params(request.params);
    if (params == nullptr) {
      reply_error(request.id, kInvalidParams, "Invalid params: expected an object");
    } else if (auto cursor = params->find("cursor");
               cursor != params->end() && !cursor->is_null()) {
      reply_error(request.id, kInvalidParams, "Invalid params: unknown cursor (the list is whole)");
    } else {
      writer_.send(make_result(request.id, {{"tools", catalog_.list()}}));
    }
  } else {
    reply_error(request.id, kMethodNotFound, fmt::format("Method not found: {}", method));
  }
}

void McpServer::handle_notification(const Notification& n) {
  if (n.method == "notifications/cancelled") {
    if (n.params.is_object() && n.params.contains("requestId"))
      cancel_request(n.params["requestId"]);
  } else if (n.method == "notifications/initialized") {
    log_->debug("mcp: client initialized");
  } else {
    log_->debug("mcp: ignoring notification {}", n.method);
  }
}

void McpServer::initialize(const Request& request) {
  if (state_ != State::kAwaitingInitialize) {
    reply_error(request.id, kInvalidRequest, "Invalid Request: initialize was already received");
    return;
  }
  const json* params = object_params(request.params);
  auto version = params ? params->find("protocolVersion") : json::const_iterator{};
  if (params == nullptr || version == params->end() || !version->is_string()) {
    reply_error(request.id, kInvalidParams,
                "Invalid params: initialize needs a string protocolVersion",
                {{"supported", supported_versions()}});
    return;
  }
  std::string_view chosen = negotiate(version->get_ref<const std::string&>());
  std::string client = "unknown client";
  if (auto info = params->find("clientInfo"); info != params->end() && info->is_object())
    client = fmt::format("{} {}", info->value("name", "?"), info->value("version", "?"));
  log_->info("mcp: {} asked for protocol {}, serving {}", client,
             version->get_ref<const std::string&>(), chosen);
  state_ = State::kInitialized;
  writer_.send(
      make_result(request.id, {{"protocolVersion", chosen},
                               {"capabilities", {{"tools", {{"listChanged", false}}}}},
                               {"serverInfo", {{"name", "agentry"}, {"version", AGENTRY_VERSION}}},
                               {"instructions", kInstructions}}));
}

void McpServer::call_tool(const Request& request) {
  const json* params = object_params(request.params);
  if (params == nullptr) {
    reply_error(request.id, kInvalidParams, "Invalid params: expected an object");
    return;
  }
  auto name = params->find("name");
  if (name == params->end() || !name->is_string()) {
    reply_error(request.id, kInvalidParams, "Invalid params: tools/call needs a string `name`");
    return;
  }
  json arguments = json::object();
  if (auto args = params->find("arguments"); args != params->end() && !args->is_null()) {
    if (!args->is_object()) {
      reply_error(request.id, kInvalidParams, "Invalid params: `arguments` must be an object");
      return;
    }
    arguments = *args;
  }
  const std::string& tool_name = name->get_ref<const std::string&>();
  if (tool_name == kListAgentsTool) {
    writer_.send(make_result(
        request.id, arguments.empty() ? catalog_.list_agents_result()
                                      : tool_error_result("list_agents takes no arguments")));
    return;
  }
  const AgentTool* tool = catalog_.find(tool_name);
  if (tool == nullptr) {
    reply_error(request.id, kInvalidParams, fmt::format("Unknown tool: {}", tool_name));
    return;
  }
  auto checked = parse_call_arguments(arguments, roots_);
  if (!checked) {
    writer_.send(make_result(
        request.id, tool_error_result(fmt::format("{}: {}", tool->tool, checked.error().message))));
    return;
  }
  engine::TaskRequest task;
  task.agent = tool->agent;
  task.task = std::move(checked->task);
  task.cwd = std::move(checked->cwd);
  task.session_id = std::move(checked->session_id);
  task.permission_mode = options_.permission_mode;
  task.model = options_.model;
  task.max_steps = options_.max_steps;
  start_agent_call(request, *tool, std::move(task));
}

void McpServer::start_agent_call(const Request& request, const AgentTool& tool,
                                 engine::TaskRequest task) {
  json token = progress_token_of(request.params);
  log_->info("mcp: call {} to {} queued (cwd {})", request.id.dump(), tool.agent,
             task.cwd.string());
  bool queued = calls_.submit(request.id.dump(), [this, id = request.id, token,
                                                  task = std::move(task)](std::stop_token stop) {
    run_agent_call(id, token, task, std::move(stop));
  });
  if (!queued) {
    reply_error(request.id, kInvalidRequest,
                fmt::format("Invalid Request: id {} is already used by a call in progress",
                            request.id.dump()));
  }
}

void McpServer::run_agent_call(const json& id, const json& progress_token,
                               const engine::TaskRequest& task, std::stop_token stop) {
  auto started = std::chrono::steady_clock::now();
  ProgressReporter progress(writer_, progress_token, stop);
  Result<engine::RunResult> result = fail(ErrorCode::kInternal, "the task did not run");
  try {
    result = runner_.run(task, progress, stop);
  } catch (const std::exception& e) {
    // A pool thread is a seam: a bug in one call must not take the server down.
    result = fail(ErrorCode::kInternal, fmt::format("unexpected failure: {}", e.what()),
                  "agent " + task.agent, "please report this with the task that caused it");
  }
  progress.close();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  started)
                .count();
  if (stop.stop_requested()) {
    log_->info("mcp: call {} cancelled after {} ms; no response, as the spec asks", id.dump(), ms);
    return;
  }
  log_->info("mcp: call {} to {} finished in {} ms ({}, {} progress notifications)", id.dump(),
             task.agent, ms, result ? "ok" : result.error().to_string(), progress.sent());
  writer_.send(
      make_result(id, result ? run_result_to_call_result(*result)
                             : run_error_to_call_result(result.error(), task.session_id, ms)));
}

void McpServer::cancel_request(const json& request_id) {
  if (!(request_id.is_string() || request_id.is_number_integer())) return;
  bool found = calls_.cancel(request_id.dump());
  // Tolerate a client that echoes the id with the other JSON type ("7" for 7).
  if (!found && request_id.is_number_integer()) {
    found = calls_.cancel(json(request_id.dump()).dump());
  } else if (!found) {
    const auto& text = request_id.get_ref<const std::string&>();
    if (!text.empty() && text.size() < 19 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      found = calls_.cancel(text);
  }
  log_->info("mcp: cancel for {}: {}", request_id.dump(), found ? "stopping it" : "not running");
}

void McpServer::reply_error(const json& id, int code, std::string_view message, json data) {
  writer_.send(make_error(id, code, message, std::move(data)));
}

}  // namespace agentry::cli::mcp
