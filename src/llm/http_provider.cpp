#include "llm/http_provider.hpp"

#include <optional>

#include <fmt/format.h>

#include "llm/error_body.hpp"
#include "llm/redact.hpp"
#include "llm/server_window.hpp"
#include "llm/sse_parser.hpp"

namespace agentry::llm {

namespace {

bool is_success(long status) {
  return status >= 200 && status < 300;
}

}  // namespace

void emit_completion(const Completion& completion, const StreamSink& sink) {
  for (const auto& thinking : completion.message.thinking) {
    if (!thinking.text.empty()) sink(ThinkingDelta{thinking.text});
  }
  if (!completion.message.text.empty()) sink(TextDelta{completion.message.text});
  if (completion.finish != FinishReason::kLength) {
    for (const auto& call : completion.message.tool_calls)
      sink(ToolCallReady{call});
  }
  if (completion.usage != Usage{}) sink(UsageReport{completion.usage});
}

/// What one HTTP exchange ended with: a completion, or an error plus whether it may be retried
/// transparently and after how long the server asked us to wait.
struct HttpProvider::Attempt {
  std::optional<Completion> completion;
  Error error;
  bool may_retry = false;                          ///< retry transparently (if attempts remain)
  std::optional<std::chrono::milliseconds> delay;  ///< the server's wish; else backoff
};

HttpProvider::HttpProvider(std::string name, std::unique_ptr<WireFormat> wire,
                           std::unique_ptr<HttpClient> http, RetryPolicy policy,
                           RetryServices services, std::shared_ptr<spdlog::logger> log,
                           ResponseLimits limits, WindowOptions windows)
    : Provider(
          std::move(windows.settings),
          windows.probe_base_url.empty()
              ? ServerWindowProbe{}
              : [this](std::string_view model,
                       std::stop_token stop) { return probe_window(model, stop); }),
      name_(std::move(name)),
      probe_base_url_(std::move(windows.probe_base_url)),
      wire_(std::move(wire)),
      http_(std::move(http)),
      policy_(policy),
      services_(std::move(services)),
      log_(std::move(log)),
      limits_(limits),
      secrets_(SecretRedactor(header_secrets(wire_->headers()))) {}

std::optional<ServerWindow> HttpProvider::probe_window(std::string_view model,
                                                       std::stop_token stop) {
  auto found = probe_server_window(*http_, wire_->headers(), probe_base_url_, model, stop);
  if (log_) {
    log_->debug("provider '{}': the server {} the context window of {}", name_,
                found ? fmt::format("reported {} tokens as", found->window) : "did not report",
                model);
  }
  return found;
}

Error HttpProvider::limit_error(std::string_view what, std::uint64_t limit, std::string_view key,
                                std::size_t text, std::size_t arguments) const {
  return Error(ErrorCode::kLimit,
               fmt::format("the response {} {} ({} bytes) and was dropped, after {} bytes of "
                           "text and {} bytes of tool-call arguments",
                           what, key, limit, text, arguments),
               "",
               fmt::format("the server streamed without end or the model wrote far more than an "
                           "answer holds; if that much is right, raise providers.{}.{} in the "
                           "config",
                           name_, key));
}

Error HttpProvider::decorate(Error error, const std::string& url) const {
  error.message = fmt::format("provider '{}': {}", name_, error.message);
  if (error.where.empty()) error.where = redact_url(url);
  return error;
}

Error HttpProvider::without_secrets(Error error) const {
  return secrets_.redact_error(std::move(error));
}

HttpProvider::Attempt HttpProvider::attempt_once(const HttpRequest& http_request, bool stream,
                                                 const StreamSink& sink, std::stop_token stop) {
  Attempt out;
  const std::string& url = http_request.url;
  std::unique_ptr<StreamDecoder> decoder = stream ? wire_->stream_decoder() : nullptr;
  SseParser parser;
  std::optional<Error> decode_error;
  std::string whole_body;
  std::uint64_t body_bytes = 0;
  auto on_event = [&](const SseEvent& event) {
    if (decode_error) return;
    if (auto r = decoder->on_event(event, sink); !r) {
      decode_error = r.error();
    } else if (decoder->text_size() + decoder->arguments_size() > limits_.max_output_bytes) {
      decode_error = limit_error("holds more than", limits_.max_output_bytes, "max_output_bytes",
                                 decoder->text_size(), decoder->arguments_size());
    }
  };
  BodyHandler on_body = [&](std::string_view bytes) {
    body_bytes += bytes.size();
    if (body_bytes > limits_.max_response_bytes) {
      decode_error =
          limit_error("body is longer than", limits_.max_response_bytes, "max_response_bytes",
                      decoder ? decoder->text_size() : 0, decoder ? decoder->arguments_size() : 0);
      return false;
    }
    if (!stream) {
      whole_body.append(bytes);
      return true;
    }
    parser.feed(bytes, on_event);
    return !decode_error.has_value();
  };

  auto response = http_->post(http_request, on_body, stop);
  bool delivered = decoder && decoder->delivered();
  if (decode_error) {
    out.error = decorate(*decode_error, url);
    out.may_retry = out.error.retryable && !delivered;
    return out;
  }
  if (!response) {
    out.error = decorate(response.error(), url);
    if (out.error.code == ErrorCode::kCancelled) return out;
    if (delivered) {
      out.error.message =
          fmt::format("provider '{}': the response stream broke after {} characters of text: {}",
                      name_, decoder->text_size(), response.error().message);
      out.error.hint = "the text received so far was delivered as it streamed; run the turn again";
      out.error.retryable = true;
    }
    out.may_retry = out.error.retryable && !delivered;
    return out;
  }
  if (!is_success(response->status)) {
    ServerError server = parse_server_error_text(response->error_body);
    RetryDecision decision =
        classify_http_failure(policy_, *response, server.code, services_.now());
    out.error = http_status_error(name_, url, *response, server, decision.retryable);
    out.may_retry = decision.retry && out.error.code != ErrorCode::kContextOverflow;
    out.delay = decision.server_delay;
    if (!decision.reason.empty()) {
      out.error.hint = decision.reason + (out.error.hint.empty() ? "" : "; " + out.error.hint);
    }
    return out;
  }
  if (!stream) {
    auto completion = wire_->parse_response(whole_body);
    if (!completion) {
      out.error = decorate(completion.error(), url);
      return out;
    }
    std::size_t arguments = 0;
    for (const auto& call : completion->message.tool_calls)
      arguments += call.raw_arguments.size();
    if (completion->message.text.size() + arguments > limits_.max_output_bytes) {
      out.error =
          decorate(limit_error("holds more than", limits_.max_output_bytes, "max_output_bytes",
                               completion->message.text.size(), arguments),
                   url);
      return out;
    }
    emit_completion(*completion, sink);
    out.completion = std::move(*completion);
    return out;
  }
  parser.finish();
  if (!decoder->complete()) {
    out.error = decorate(Error(ErrorCode::kNetwork,
                               fmt::format("the response stream ended before its end marker, after "
                                           "{} characters of text ({} body bytes)",
                                           decoder->text_size(), response->body_bytes)),
                         url);
    out.error.hint = "the server closed the stream early; run the turn again";
    out.error.retryable = true;
    out.may_retry = !delivered;
    return out;
  }
  out.completion = decoder->finish(sink);
  return out;
}

Result<Completion> HttpProvider::complete(const CompletionRequest& request, const StreamSink& sink,
                                          std::stop_token stop) {
  auto body = wire_->request_body(request);
  if (!body) return tl::make_unexpected(decorate(body.error(), wire_->url()));
  auto headers = wire_->request_headers(request);
  auto whole = exchange(std::move(*body), headers, request.stream, sink, stop);
  if (!whole || whole->paused_content.is_null()) return whole;
  nlohmann::json paused = std::move(whole->paused_content);
  whole->paused_content = nullptr;
  for (int continuation = 1; continuation <= kMaxContinuations; ++continuation) {
    if (log_) log_->debug("provider '{}': the server paused the turn; continuing it", name_);
    auto next_body = wire_->continuation_body(request, paused);
    if (!next_body) return tl::make_unexpected(decorate(next_body.error(), wire_->url()));
    auto next = exchange(std::move(*next_body), headers, request.stream, sink, stop);
    if (!next) return next;
    whole->message.text += next->message.text;
    for (auto& thinking : next->message.thinking)
      whole->message.thinking.push_back(std::move(thinking));
    for (auto& call : next->message.tool_calls)
      whole->message.tool_calls.push_back(std::move(call));
    whole->usage += next->usage;
    whole->finish = next->finish;
    if (!next->model.empty()) whole->model = next->model;
    if (next->paused_content.is_null()) return whole;
    for (auto& block : next->paused_content)
      paused.push_back(std::move(block));
  }
  return fail(ErrorCode::kLimit,
              fmt::format("provider '{}': the server paused the turn (stop_reason pause_turn) "
                          "{} times in a row; gave up after {} continuations",
                          name_, kMaxContinuations + 1, kMaxContinuations),
              redact_url(wire_->url()),
              "a server-side tool (web search, code execution) kept running; the text so far was "
              "delivered — ask again, or narrow the question");
}

Result<Completion> HttpProvider::exchange(std::string body, const Headers& headers, bool stream,
                                          const StreamSink& sink, std::stop_token stop) {
  HttpRequest http_request{wire_->url(), headers, std::move(body)};
  const std::string shown_url = redact_url(http_request.url);

  for (int attempt = 0;; ++attempt) {
    Attempt result = attempt_once(http_request, stream, sink, stop);
    if (result.completion) return std::move(*result.completion);
    Error error = without_secrets(std::move(result.error));
    if (!result.may_retry) return tl::make_unexpected(std::move(error));
    if (attempt >= policy_.max_retries) {
      if (policy_.max_retries > 0) {
        error.message += fmt::format(" (gave up after {} retries)", policy_.max_retries);
      }
      return tl::make_unexpected(std::move(error));
    }
    auto delay = result.delay.value_or(backoff_delay(policy_, attempt, services_.random()));
    if (log_) {
      log_->warn("{} ({}); retry {} of {} in {} ms", error.message, shown_url, attempt + 1,
                 policy_.max_retries, delay.count());
    }
    if (!services_.sleep(delay, stop)) {
      return fail(ErrorCode::kCancelled, fmt::format("provider '{}': request cancelled", name_),
                  shown_url);
    }
  }
}

}  // namespace agentry::llm
