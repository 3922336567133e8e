#include "fakellm/fake_llm_server.hpp"

#include <fmt/format.h>

#include "fakellm/responses_rules.hpp"
#include "fakellm/thinking_rules.hpp"

namespace agentry::fakellm {

using nlohmann::json;

namespace {

/// Output tokens of a turn's answer, by the server's tokenizer.
std::int64_t output_tokens(const Turn& turn) {
  std::int64_t n = count_tokens(turn.text) + count_tokens(turn.thinking);
  for (const auto& call : turn.tool_calls)
    n += count_tokens(call.name) + count_tokens(call.arguments);
  return std::max<std::int64_t>(n, 1);
}

const Fault* fault_for_use(const Turn& turn, int use) {
  for (const auto& f : turn.faults) {
    if (use < f.times) return &f;
    use -= f.times;
  }
  return nullptr;
}

void send_json(ResponseWriter& writer, int status, const std::string& body,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back("Content-Length", std::to_string(body.size()));
  if (writer.write_head(status, headers, false)) writer.write_raw(body);
}

std::string error_json(std::string_view message) {
  return json{
      {"error", {{"message", message}, {"type", "invalid_request_error"}, {"code", nullptr}}}}
      .dump();
}

constexpr std::string_view kEndlessMark = "@@ENDLESS@@";

/// The three parts of an endless stream: what precedes the repeated piece, the piece, and the
/// turn's normal end. They come from the renderer's own events for a turn whose text (or one
/// tool call's arguments) is a marker, so each protocol's framing is the real one.
struct EndlessParts {
  std::string head;
  std::string unit;
  std::string tail;
};

EndlessParts endless_parts(const Renderer& renderer, const Turn& turn, const Fault& fault,
                           const RequestView& view) {
  EndlessParts parts;
  if (fault.endless == "comments") {
    for (const auto& event : renderer.stream_events(turn, view))
      parts.tail += event;
    for (int i = 0; i < 256; ++i)
      parts.unit += ": keep-alive" + turn.shape.line_end + turn.shape.line_end;
    return parts;
  }
  Turn marked = turn;
  marked.shape.text_chunk_chars = 0;
  marked.shape.argument_fragment_chars = 0;
  std::string payload;
  if (fault.endless == "text") {
    marked.text = kEndlessMark;
    marked.tool_calls.clear();
    for (int i = 0; i < 64; ++i)
      payload += "and on and on ";  // 896 bytes a delta: 8 MiB of text in 10,000 events
  } else {
    ScriptToolCall call = turn.tool_calls.empty() ? ScriptToolCall{"call_endless", "write_file", ""}
                                                  : turn.tool_calls.front();
    call.arguments = kEndlessMark;
    marked.text.clear();
    marked.tool_calls = {call};
    payload.assign(4096, 'x');
  }
  std::string* into = &parts.head;
  for (const auto& event : renderer.stream_events(marked, view)) {
    auto at = event.find(kEndlessMark);
    if (at == std::string::npos) {
      *into += event;
      continue;
    }
    std::string unit = event;
    unit.replace(at, kEndlessMark.size(), payload);
    while (parts.unit.size() < 8192)
      parts.unit += unit;
    into = &parts.tail;
  }
  return parts;
}

/// Streams `head`, then `unit` again and again (`tps` times a second; 0: at once) until the client
/// hangs up, the server stops or fault.endless_bytes were sent, then `tail`.
void stream_endless(const EndlessParts& parts, const Fault& fault, double tps,
                    ResponseWriter& writer) {
  if (!writer.write_chunk(parts.head)) {
    writer.close_connection();
    return;
  }
  for (long sent = 0; fault.endless_bytes < 0 || sent < fault.endless_bytes;
       sent += static_cast<long>(parts.unit.size())) {
    if (tps > 0 && !writer.sleep_for(std::chrono::milliseconds(static_cast<long>(1000.0 / tps)))) {
      writer.close_connection();
      return;
    }
    if (!writer.write_chunk(parts.unit)) {
      writer.close_connection();
      return;
    }
  }
  if (!writer.write_chunk(parts.tail) || !writer.end_chunks()) writer.close_connection();
}

}  // namespace

std::string RecordedRequest::header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Result<std::unique_ptr<FakeLlmServer>> FakeLlmServer::start(Script script, FakeLlmOptions options) {
  int port = options.port;
  std::unique_ptr<FakeLlmServer> server(new FakeLlmServer(std::move(script), std::move(options)));
  auto socket = SocketServer::start(
      port, [s = server.get()](const HttpRequestData& request, ResponseWriter& writer) {
        s->handle(request, writer);
      });
  if (!socket) return tl::make_unexpected(socket.error());
  server->server_ = std::move(*socket);
  return server;
}

FakeLlmServer::FakeLlmServer(Script script, FakeLlmOptions options)
    : script_(std::move(script)),
      options_(std::move(options)),
      openai_(make_openai_renderer()),
      anthropic_(make_anthropic_renderer()),
      responses_(make_responses_renderer()),
      fault_uses_(script_.turns.size(), 0),
      consumed_(script_.turns.size(), false),
      accountant_(options_.server.value_or(script_.server)) {}

FakeLlmServer::~FakeLlmServer() {
  stop();
}

void FakeLlmServer::stop() {
  if (server_) server_->stop();
}

int FakeLlmServer::port() const {
  return server_->port();
}

std::string FakeLlmServer::url(std::string_view path) const {
  return fmt::format("http://127.0.0.1:{}{}", port(), path);
}

std::vector<RecordedRequest> FakeLlmServer::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::size_t FakeLlmServer::request_count() const {
  std::lock_guard lock(mu_);
  return request_count_;
}

TokenTotals FakeLlmServer::totals() const {
  std::lock_guard lock(mu_);
  return totals_;
}

std::vector<RequestCount> FakeLlmServer::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

int FakeLlmServer::connections() const {
  return server_->connections();
}

FakeLlmServer::Selection FakeLlmServer::select(const Renderer& renderer, const json& body,
                                               int number) {
  int turn_number = renderer.assistant_messages(body) + 1;
  std::string last = renderer.last_message_text(body);
  auto tools = body.find("tools");
  bool offers_tools = tools != body.end() && tools->is_array() && !tools->empty();
  int chosen = -1;
  for (std::size_t i = 0; i < script_.turns.size() && chosen < 0; ++i) {
    const Turn& t = script_.turns[i];
    if (!t.has_when()) continue;
    bool match = (!t.when_turn || *t.when_turn == turn_number) &&
                 (!t.when_request || *t.when_request == number) &&
                 (!t.when_contains || last.find(*t.when_contains) != std::string::npos) &&
                 (!t.when_tools || *t.when_tools == offers_tools);
    if (match) chosen = static_cast<int>(i);
  }
  for (std::size_t i = 0; i < script_.turns.size() && chosen < 0; ++i) {
    if (!script_.turns[i].has_when() && !consumed_[i]) chosen = static_cast<int>(i);
  }
  Selection s;
  if (chosen < 0) return s;
  s.turn = chosen;
  s.fault = fault_for_use(script_.turns[chosen], fault_uses_[chosen]);
  if (s.fault != nullptr) {
    ++fault_uses_[chosen];
  } else if (!script_.turns[chosen].has_when()) {
    consumed_[chosen] = true;
  }
  return s;
}

void FakeLlmServer::handle(const HttpRequestData& request, ResponseWriter& writer) {
  RecordedRequest rec;
  rec.connection = request.connection;
  rec.method = request.method;
  rec.target = request.target;
  rec.path = request.path;
  rec.headers = request.headers;
  rec.body = request.body;
  rec.json = json::parse(request.body, nullptr, false);
  if (rec.json.is_discarded()) rec.json = nullptr;

  const Renderer* renderer = nullptr;
  Protocol protocol = Protocol::kOpenAi;
  if (request.path == "/v1/chat/completions" || request.path == "/chat/completions") {
    renderer = openai_.get();
  } else if (request.path == "/v1/messages" || request.path == "/messages") {
    renderer = anthropic_.get();
    protocol = Protocol::kAnthropic;
  } else if (request.path == "/v1/responses" || request.path == "/responses") {
    renderer = responses_.get();  // accounted as OpenAI (Protocol::kOpenAi)
  }
  const bool responses = renderer != nullptr && renderer == responses_.get();
  const bool model_call = renderer != nullptr && request.method == "POST" && rec.json.is_object();
  // Counted outside the lock: a long history takes a while.
  Prompt prompt;
  if (model_call) {
    prompt = protocol == Protocol::kAnthropic ? anthropic_prompt(request.body)
             : responses                      ? responses_prompt(request.body)
                                              : openai_prompt(request.body);
  }
  rec.tokens.prompt = prompt.token_count();
  Selection selection;
  std::optional<Refusal> refusal;
  {
    std::lock_guard lock(mu_);
    rec.number = static_cast<int>(++request_count_);
    if (model_call) refusal = accountant_.check(protocol, prompt, rec.json, rec.number);
    if (model_call && !refusal && responses && accountant_.settings().thinking_rules) {
      std::string message;
      if (auto body = ledger_.refusal(rec.json, message))
        refusal = Refusal{400, message, *body, {}};
    }
    if (refusal) {
      rec.refused = true;
      rec.refusal = refusal->message;
      ++totals_.refused;
    } else if (model_call) {
      selection = select(*renderer, rec.json, rec.number);
    }
    rec.turn = selection.turn;
    rec.faulted = selection.fault != nullptr;
    // A request refused before a model sees it (an HTTP-error fault, a dropped connection)
    // neither reads nor writes the cache.
    bool reaches_model = selection.turn >= 0 &&
                         (selection.fault == nullptr || (selection.fault->status == 0 &&
                                                         !selection.fault->close_without_response));
    if (reaches_model) {
      rec.tokens = accountant_.serve(protocol, prompt, rec.json);
      const Turn& turn = script_.turns[static_cast<std::size_t>(selection.turn)];
      if (responses && selection.fault == nullptr) {
        std::vector<std::string> call_ids;
        for (const auto& call : turn.tool_calls)
          call_ids.push_back(call.id);
        ledger_.issued(rec.number, call_ids);
      }
      rec.tokens.output = turn.usage ? turn.usage->output_tokens : output_tokens(turn);
      ++totals_.requests;
      totals_.prompt += rec.tokens.prompt;
      totals_.input += rec.tokens.input;
      totals_.cache_read += rec.tokens.cache_read;
      totals_.cache_write += rec.tokens.cache_write;
      totals_.output += rec.tokens.output;
    }
    counts_.push_back({rec.number, rec.path, rec.turn, rec.refused, rec.refusal, rec.tokens});
    if (options_.keep_requests) requests_.push_back(rec);
  }
  // Before the answer: a client holding its response knows the callback has run (a requests
  // log read after the request then has its line).
  if (options_.on_request) options_.on_request(rec);

  if (renderer == nullptr) {
    if (request.method == "GET" && (request.path == "/" || request.path == "/health")) {
      send_json(writer, 200, R"({"status":"ok","server":"agentry-fake-llm"})");
    } else if (auto info = service_info(accountant_.settings(), request.method, request.path,
                                        request.body)) {
      send_json(writer, 200, *info);
    } else {
      send_json(
          writer, 404,
          error_json(fmt::format("fake-llm: no route for {} {}", request.method, request.path)));
    }
  } else if (!model_call) {
    send_json(writer, 400, error_json("fake-llm: expected a POST with a JSON object body"));
  } else if (refusal) {
    send_json(writer, refusal->status, refusal->body, refusal->headers);
  } else if (selection.turn < 0) {
    send_json(writer, 400,
              error_json(fmt::format(
                  "fake-llm: the script has no turn left for request {} (history has {} "
                  "assistant messages; last message: \"{}\")",
                  rec.number, renderer->assistant_messages(rec.json),
                  renderer->last_message_text(rec.json).substr(0, 80))));
  } else {
    Usage usage{rec.tokens.input, rec.tokens.output, rec.tokens.cache_read, rec.tokens.cache_write};
    RequestView view{rec.json, rec.number, usage};
    const ServerSettings& server = accountant_.settings();
    if (server.thinking_rules && protocol == Protocol::kAnthropic) {
      view.thinking_rules = true;
      view.thinking_enabled = anthropic_thinking_enabled(rec.json);
      view.turn_number = renderer->assistant_messages(rec.json) + 1;
      view.redacted = server.redacted_every > 0 && view.turn_number % server.redacted_every == 0;
    }
    answer(*renderer, script_.turns[static_cast<std::size_t>(selection.turn)], selection.fault,
           view, writer);
  }
}

void FakeLlmServer::answer(const Renderer& renderer, const Turn& turn, const Fault* fault,
                           const RequestView& view, ResponseWriter& writer) {
  if (fault != nullptr && fault->close_without_response) {
    writer.close_connection();
    return;
  }
  int delay = fault != nullptr && fault->delay_ms ? *fault->delay_ms : turn.shape.delay_ms;
  if (delay > 0 && !writer.sleep_for(std::chrono::milliseconds(delay))) {
    writer.close_connection();
    return;
  }
  if (fault != nullptr && fault->status != 0) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!fault->retry_after.empty()) headers.emplace_back("Retry-After", fault->retry_after);
    if (fault->retry_after_ms)
      headers.emplace_back("retry-after-ms", fmt::format("{}", *fault->retry_after_ms));
    if (!fault->x_should_retry.empty())
      headers.emplace_back("x-should-retry", fault->x_should_retry);
    headers.emplace_back("x-request-id", fmt::format("req_fake_{}", view.request_number));
    send_json(writer, fault->status, renderer.error_body(*fault, fault->status),
              std::move(headers));
    return;
  }
  auto stream = view.body.find("stream");
  if (stream != view.body.end() && stream->is_boolean() && stream->get<bool>()) {
    this->stream(renderer, turn, fault, view, writer);
    return;
  }
  std::string body = renderer.whole_body(turn, view);
  if (fault != nullptr && fault->cut_after_bytes >= 0 &&
      static_cast<std::size_t>(fault->cut_after_bytes) < body.size()) {
    writer.write_head(
        200,
        {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(body.size())}},
        false);
    writer.write_raw(
        std::string_view(body).substr(0, static_cast<std::size_t>(fault->cut_after_bytes)));
    writer.close_connection();
    return;
  }
  send_json(writer, 200, body);
}

void FakeLlmServer::stream(const Renderer& renderer, const Turn& turn, const Fault* fault,
                           const RequestView& view, ResponseWriter& writer) {
  const Shape& shape = turn.shape;
  if (fault != nullptr && !fault->endless.empty()) {
    EndlessParts parts = endless_parts(renderer, turn, *fault, view);
    if (!writer.write_head(
            200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}}, true)) {
      writer.close_connection();
      return;
    }
    double tps = fault->drip_tokens_per_second.value_or(shape.drip_tokens_per_second);
    stream_endless(parts, *fault, tps, writer);
    return;
  }
  std::vector<std::string> events = renderer.stream_events(turn, view);
  if (fault != nullptr && fault->error_after_events >= 0) {
    auto at = std::min(events.size(), static_cast<std::size_t>(fault->error_after_events));
    events.resize(at);
    events.push_back(renderer.error_event(*fault, shape));
  }
  if (fault != nullptr && fault->malformed_after_events >= 0) {
    auto at = std::min(events.size(), static_cast<std::size_t>(fault->malformed_after_events));
    events.insert(events.begin() + static_cast<std::ptrdiff_t>(at),
                  renderer.malformed_event(shape));
  }
  if (shape.bom && !events.empty()) events.front().insert(0, "\xEF\xBB\xBF");
  double tps = fault != nullptr && fault->drip_tokens_per_second ? *fault->drip_tokens_per_second
                                                                 : shape.drip_tokens_per_second;
  long cut = fault != nullptr ? fault->cut_after_bytes : -1;

  if (!writer.write_head(
          200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}}, true)) {
    writer.close_connection();
    return;
  }
  long sent = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0 && tps > 0 &&
        !writer.sleep_for(std::chrono::milliseconds(static_cast<long>(1000.0 / tps)))) {
      writer.close_connection();
      return;
    }
    std::string_view event = events[i];
    if (cut >= 0 && sent + static_cast<long>(event.size()) > cut) {
      writer.write_chunk(event.substr(0, static_cast<std::size_t>(cut - sent)));
      writer.close_connection();
      return;
    }
    std::size_t piece = shape.write_split_bytes > 0
                            ? static_cast<std::size_t>(shape.write_split_bytes)
                            : event.size();
    for (std::size_t at = 0; at < event.size(); at += piece) {
      if (!writer.write_chunk(event.substr(at, piece))) {
        writer.close_connection();
        return;
      }
    }
    sent += static_cast<long>(event.size());
  }
  writer.end_chunks();
}

}  // namespace agentry::fakellm
