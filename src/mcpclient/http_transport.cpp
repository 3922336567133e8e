#include "mcpclient/http_transport.hpp"

#include <algorithm>
#include <condition_variable>

#include <fmt/format.h>

#include "core/text.hpp"
#include "llm/redact.hpp"
#include "llm/sse_parser.hpp"

namespace agentry::mcpclient {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxJsonBody = 32 << 20;
constexpr int kMaxResumes = 3;
constexpr int kMaxListenFailures = 5;
constexpr std::chrono::milliseconds kDefaultRetry{1000};

llm::HttpClientOptions client_options(const ServerConfig& config, llm::ProxyEnvironment proxy) {
  llm::HttpClientOptions options;
  options.proxy = std::move(proxy);
  // A POST lives as long as its call may, plus a margin for the answer to the cancellation.
  options.timeouts.total = config.timeout + std::chrono::seconds(30);
  options.timeouts.low_speed = std::chrono::seconds(600);
  return options;
}

}  // namespace

/// One response body being read: a JSON document or an SSE stream (told apart by its first
/// byte, since the body arrives before the Content-Type can be asked for).
struct HttpTransport::Stream {
  enum class Mode { kUnknown, kJson, kSse } mode = Mode::kUnknown;
  std::string json_body;
  llm::SseParser sse;
  std::string last_event_id;
  json want_id;           ///< the id of the request this stream answers; null for others
  bool answered = false;  ///< its response has arrived
  bool hold = false;      ///< keep messages until the POST returns (the session id is unknown)
  std::vector<std::string> held;
  bool too_big = false;
};

HttpTransport::HttpTransport(ServerConfig config, llm::CurlGlobal& curl,
                             llm::ProxyEnvironment proxy, std::shared_ptr<spdlog::logger> log)
    : config_(std::move(config)),
      log_(log),
      http_(curl, client_options(config_, std::move(proxy)), std::move(log)) {}

HttpTransport::~HttpTransport() {
  close();
}

Result<void> HttpTransport::start(TransportEvents events) {
  events_ = std::move(events);
  return {};
}

std::vector<std::pair<std::string, std::string>> HttpTransport::headers(bool for_post) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (for_post) {
    out.emplace_back("Content-Type", "application/json");
    out.emplace_back("Accept", "application/json, text/event-stream");
  } else {
    out.emplace_back("Accept", "text/event-stream");
  }
  std::lock_guard lock(mutex_);
  if (!session_id_.empty()) out.emplace_back("Mcp-Session-Id", session_id_);
  if (!protocol_version_.empty()) out.emplace_back("MCP-Protocol-Version", protocol_version_);
  for (const auto& header : config_.headers)
    out.push_back(header);
  return out;
}

void HttpTransport::deliver(std::string_view text) {
  if (!closed_.load()) events_.on_message(text);
}

void HttpTransport::answer_with_error(const json& id, const std::string& message) {
  if (id.is_null()) {
    if (log_) log_->warn("mcp {}: {}", config_.name, message);
    return;
  }
  json error{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32000}, {"message", message}}}};
  deliver(error.dump());
}

void HttpTransport::closed(const std::string& reason) {
  if (closed_.load() || close_reported_.exchange(true)) return;
  if (log_) log_->warn("mcp {}: the server {}", config_.name, reason);
  events_.on_closed(reason);
}

bool HttpTransport::sleep_for(std::chrono::milliseconds delay, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

Result<void> HttpTransport::send(const json& message) {
  if (closed_.load())
    return fail(ErrorCode::kTool, "the connection is closed",
                fmt::format("MCP server `{}`", config_.name));
  // A notification or a response is answered at once (202): sent here, in order, and before a
  // close() that may follow (a `notifications/cancelled` must reach the server). A request may
  // stream for as long as its call runs: it gets a thread.
  if (!(message.contains("method") && message.contains("id"))) {
    post(message, stop_.get_token());
    return {};
  }
  spawn([this, message] { post(message, stop_.get_token()); });
  return {};
}

void HttpTransport::spawn(std::function<void()> work) {
  std::lock_guard lock(mutex_);
  if (closed_.load()) return;
  // Threads that finished are joined here, so the list holds only the exchanges in flight.
  workers_.remove_if([](const Worker& w) { return w.done->load(); });
  auto done = std::make_shared<std::atomic<bool>>(false);
  workers_.push_back(Worker{done, std::jthread([done, work = std::move(work)] {
                              work();
                              done->store(true);
                            })});
}

void HttpTransport::post(const json& message, std::stop_token stop) {
  Stream stream;
  bool is_request = message.contains("method") && message.contains("id");
  if (is_request) stream.want_id = message["id"];
  const bool initializing = message.value("method", "") == "initialize";
  stream.hold = initializing;
  const auto on_event = [&](const llm::SseEvent& event) {
    if (!event.id.empty()) stream.last_event_id = event.id;
    if (trim(event.data).empty()) return;
    if (!stream.want_id.is_null()) {
      json parsed = json::parse(event.data, nullptr, false);
      if (parsed.is_object() && parsed.value("id", json()) == stream.want_id &&
          (parsed.contains("result") || parsed.contains("error")))
        stream.answered = true;
    }
    if (stream.hold) {
      stream.held.push_back(event.data);
    } else {
      deliver(event.data);
    }
  };
  const auto on_body = [&](std::string_view bytes) {
    if (stream.mode == Stream::Mode::kUnknown) {
      auto first = bytes.find_first_not_of(" \t\r\n");
      if (first == std::string_view::npos) return true;
      stream.mode =
          bytes[first] == '{' || bytes[first] == '[' ? Stream::Mode::kJson : Stream::Mode::kSse;
    }
    if (stream.mode == Stream::Mode::kJson) {
      if (stream.json_body.size() + bytes.size() > kMaxJsonBody) {
        stream.too_big = true;
        return false;
      }
      stream.json_body.append(bytes);
    } else {
      stream.sse.feed(bytes, on_event);
    }
    return true;
  };
  llm::HttpRequest request{config_.url, headers(true),
                           message.dump(-1, ' ', false, json::error_handler_t::replace)};
  auto response = http_.post(request, on_body, stop);
  if (stop.stop_requested()) return;
  const std::string url = llm::redact_url(config_.url);
  if (!response) {
    std::string why = stream.too_big ? fmt::format("the answer is over {} MiB", kMaxJsonBody >> 20)
                                     : response.error().message;
    answer_with_error(stream.want_id, fmt::format("POST {} failed: {}", url, why));
    return;
  }
  bool had_session = false;
  {
    std::lock_guard lock(mutex_);
    had_session = !session_id_.empty();
    if (initializing) session_id_ = response->header("mcp-session-id");
  }
  if (response->status == 404 && had_session) {
    // Closed first: the pool must see the client dead by the time the call returns.
    closed("ended the session (HTTP 404)");
    answer_with_error(stream.want_id, "the server ended the session (HTTP 404)");
    return;
  }
  if (response->status < 200 || response->status >= 300) {
    std::string body(trim(response->error_body.substr(0, 300)));
    answer_with_error(stream.want_id,
                      fmt::format("POST {} answered HTTP {}{}{}", url, response->status,
                                  body.empty() ? "" : ": ", body));
    return;
  }
  if (stream.mode == Stream::Mode::kJson) {
    json body = json::parse(stream.json_body, nullptr, false);
    if (body.is_discarded()) {
      answer_with_error(stream.want_id,
                        fmt::format("the server's answer is not JSON: {}",
                                    std::string(trim(stream.json_body.substr(0, 200)))));
      return;
    }
    stream.answered = true;
    if (body.is_array()) {
      for (const auto& item : body)
        deliver(item.dump());
    } else {
      deliver(stream.json_body);
    }
    return;
  }
  stream.sse.finish();
  stream.hold = false;
  for (const auto& text : stream.held)
    deliver(text);
  // A stream that ended before its answer: resume it where it stopped, if the server said where.
  for (int attempt = 0; !stream.want_id.is_null() && !stream.answered && attempt < kMaxResumes &&
                        !stream.last_event_id.empty();
       ++attempt) {
    auto delay = std::chrono::milliseconds(stream.sse.retry_ms().value_or(kDefaultRetry.count()));
    if (!sleep_for(delay, stop)) return;
    auto resumed = get_stream(stream, stop);
    if (stop.stop_requested()) return;
    if (resumed && resumed->status == 405) break;
  }
  if (!stream.want_id.is_null() && !stream.answered)
    answer_with_error(stream.want_id, "the server closed the stream before answering");
}

Result<llm::HttpResponse> HttpTransport::get_stream(Stream& stream, std::stop_token stop) {
  auto request_headers = headers(false);
  if (!stream.last_event_id.empty())
    request_headers.emplace_back("Last-Event-ID", stream.last_event_id);
  stream.mode = Stream::Mode::kSse;
  const auto on_event = [&](const llm::SseEvent& event) {
    if (!event.id.empty()) stream.last_event_id = event.id;
    if (trim(event.data).empty()) return;
    if (!stream.want_id.is_null()) {
      json parsed = json::parse(event.data, nullptr, false);
      if (parsed.is_object() && parsed.value("id", json()) == stream.want_id)
        stream.answered = true;
    }
    deliver(event.data);
  };
  llm::HttpTimeouts timeouts;
  timeouts.total = std::chrono::milliseconds(0);
  timeouts.low_speed = std::chrono::seconds(600);
  auto response = http_.get(
      llm::HttpRequest{config_.url, std::move(request_headers), {}},
      [&](std::string_view bytes) {
        stream.sse.feed(bytes, on_event);
        return true;
      },
      stop, timeouts);
  stream.sse.finish();
  return response;
}

void HttpTransport::listen(std::stop_token stop) {
  Stream stream;
  int failures = 0;
  while (!stop.stop_requested() && failures < kMaxListenFailures) {
    auto response = get_stream(stream, stop);
    if (stop.stop_requested()) return;
    if (response && response->status == 405) {
      if (log_) log_->debug("mcp {}: the server offers no GET stream", config_.name);
      return;
    }
    if (response && response->status == 404) {
      closed("ended the session (HTTP 404)");
      return;
    }
    bool ok = response && response->status >= 200 && response->status < 300;
    failures = ok ? 0 : failures + 1;
    auto delay = std::chrono::milliseconds(stream.sse.retry_ms().value_or(2000)) * (failures + 1);
    if (!sleep_for(delay, stop)) return;
  }
}

void HttpTransport::initialized(const std::string& protocol_version) {
  {
    std::lock_guard lock(mutex_);
    protocol_version_ = protocol_version;
  }
  spawn([this] { listen(stop_.get_token()); });
}

void HttpTransport::close() {
  if (closed_.exchange(true)) return;
  stop_.request_stop();
  std::list<Worker> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  workers.clear();  // joins every one
  end_session();
}

void HttpTransport::end_session() {
  std::string session;
  {
    std::lock_guard lock(mutex_);
    session = session_id_;
  }
  if (session.empty()) return;
  // The specification asks a client that no longer needs its session to DELETE it, so that the
  // server can free it at once; a server that does not allow it answers 405. Bounded: this runs
  // as agentry exits.
  llm::HttpTimeouts timeouts;
  timeouts.connect = std::chrono::milliseconds(1000);
  timeouts.total = std::chrono::milliseconds(2000);
  auto response = http_.del(llm::HttpRequest{config_.url, headers(false), {}}, {}, timeouts);
  if (!log_) return;
  if (response) {
    log_->debug("mcp {}: DELETE of the session answered HTTP {}", config_.name, response->status);
  } else {
    log_->debug("mcp {}: DELETE of the session failed: {}", config_.name, response.error().message);
  }
}

}  // namespace agentry::mcpclient
