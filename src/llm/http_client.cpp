#include "llm/http_client.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/text.hpp"
#include "llm/curl_handle.hpp"
#include "llm/redact.hpp"

namespace agentry::llm {

namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;
constexpr std::size_t kMinIdleSessions = 4;
constexpr std::size_t kMaxIdleSessions = 256;
constexpr int kPollMs = 50;

struct Transfer {
  const CurlApi* api = nullptr;
  CURL* easy = nullptr;
  const BodyHandler* on_body = nullptr;
  HttpResponse response;
  bool handler_aborted = false;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new status line (after "100 Continue" or a proxy's CONNECT answer) starts a new header set.
    t->response.headers.clear();
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    t->response.headers[ascii_lower(trim(line.substr(0, colon)))] =
        std::string(trim(line.substr(colon + 1)));
  }
  return size * count;
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t n = size * count;
  t->response.body_bytes += n;
  long status = 0;
  t->api->easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) {
    if (!(*t->on_body)(std::string_view(data, n))) {
      t->handler_aborted = true;
      return 0;
    }
    return n;
  }
  std::size_t room = kMaxErrorBody - std::min(kMaxErrorBody, t->response.error_body.size());
  t->response.error_body.append(data, std::min(room, n));
  return n;
}

bool retryable_curl_code(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

std::string curl_hint(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "check the provider's base_url";
    case CURLE_COULDNT_RESOLVE_PROXY:
      return "check https_proxy / http_proxy / all_proxy";
    case CURLE_COULDNT_CONNECT:
      return "is the server running and the base_url's port right?";
    case CURLE_OPERATION_TIMEDOUT:
      return "raise the provider's timeouts in the config if the server is slow";
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return "the server's TLS certificate is not trusted";
    default:
      return {};
  }
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Session {
  explicit Session(const CurlApi& api) : multi(api), easy(api) {}
  CurlMulti multi;
  CurlEasy easy;
};

HttpClient::HttpClient(CurlGlobal& curl, HttpClientOptions options,
                       std::shared_ptr<spdlog::logger> log)
    : curl_(curl), options_(std::move(options)), log_(std::move(log)) {}

HttpClient::~HttpClient() = default;

std::unique_ptr<HttpClient::Session> HttpClient::acquire(const CurlApi& api) {
  {
    std::lock_guard lock(mu_);
    peak_in_use_ = std::max(peak_in_use_, ++in_use_);
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      return session;
    }
  }
  auto session = std::make_unique<Session>(api);
  if (!session->multi || !session->easy) {
    std::lock_guard lock(mu_);
    --in_use_;
    return nullptr;
  }
  return session;
}

void HttpClient::release(std::unique_ptr<Session> session) {
  std::lock_guard lock(mu_);
  --in_use_;
  if (idle_.size() < std::clamp(peak_in_use_, kMinIdleSessions, kMaxIdleSessions))
    idle_.push_back(std::move(session));
}

Result<HttpResponse> HttpClient::post(const HttpRequest& request, const BodyHandler& on_body,
                                      std::stop_token stop) {
  return perform("POST", request, on_body, stop, options_.timeouts);
}

Result<HttpResponse> HttpClient::get(const HttpRequest& request, const BodyHandler& on_body,
                                     std::stop_token stop, const HttpTimeouts& timeouts) {
  return perform("GET", request, on_body, stop, timeouts);
}

Result<HttpResponse> HttpClient::del(const HttpRequest& request, std::stop_token stop,
                                     const HttpTimeouts& timeouts) {
  return perform(
      "DELETE", request, [](std::string_view) { return true; }, stop, timeouts);
}

Result<HttpResponse> HttpClient::perform(const char* method, const HttpRequest& request,
                                         const BodyHandler& on_body, std::stop_token stop,
                                         const HttpTimeouts& timeouts) {
  const bool is_post = std::string_view(method) == "POST";
  const std::string shown_url = redact_url(request.url);
  if (stop.stop_requested()) return fail(ErrorCode::kCancelled, "request cancelled", shown_url);
  auto loaded = curl_.api();  // the first request of the process loads libcurl
  if (!loaded) return tl::make_unexpected(loaded.error());
  const CurlApi& curl = **loaded;
  auto session = acquire(curl);
  if (!session) return fail(ErrorCode::kInternal, "cannot create a libcurl handle", shown_url);

  CURL* easy = session->easy.get();
  curl.easy_reset(easy);  // options only: the multi handle keeps the live connections
  CurlSlist headers(curl);
  for (const auto& [name, value] : request.headers)
    headers.append(name + ": " + value);
  headers.append("Expect:");  // no 100-continue round trip for large bodies

  Transfer transfer;
  transfer.api = &curl;
  transfer.easy = easy;
  transfer.on_body = &on_body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  ProxyChoice proxy = choose_proxy(options_.proxy, request.url);
  const auto& t = timeouts;

  curl.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  if (is_post) {
    curl.easy_setopt(easy, CURLOPT_POST, 1L);
    curl.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    if (std::string_view(method) != "GET") curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
  }
  curl.easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
  curl.easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl.easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl.easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(t.connect.count()));
  curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(t.total.count()));
  curl.easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl.easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(t.low_speed.count()));
  curl.easy_setopt(easy, CURLOPT_PROXY, proxy.proxy.c_str());
  curl.easy_setopt(easy, CURLOPT_NOPROXY, proxy.no_proxy.c_str());
  curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl.easy_setopt(easy, CURLOPT_HEADERDATA, &transfer);
  curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_write);
  curl.easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);

  if (log_ && log_->should_log(spdlog::level::debug)) {
    log_->debug("{} {} ({} bytes){}", method, shown_url, request.body.size(),
                proxy.proxy.empty() ? "" : fmt::format(" via proxy {}", redact_url(proxy.proxy)));
    for (const auto& [name, value] : request.headers) {
      log_->trace("  > {}: {}", name, redact_header_value(name, value));
    }
  }

  CURLM* multi = session->multi.get();
  curl.multi_add_handle(multi, easy);
  bool cancelled = false;
  CURLcode result = CURLE_OK;
  {
    std::stop_callback wake(stop, [&curl, multi] { curl.multi_wakeup(multi); });
    int running = 1;
    while (true) {
      if (stop.stop_requested()) {
        cancelled = true;
        break;
      }
      CURLMcode mc = curl.multi_perform(multi, &running);
      if (mc != CURLM_OK) {
        result = CURLE_FAILED_INIT;
        fmt::format_to_n(errbuf, sizeof errbuf - 1, "{}", curl.multi_strerror(mc));
        break;
      }
      if (running == 0) {
        int queued = 0;
        while (CURLMsg* msg = curl.multi_info_read(multi, &queued)) {
          if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) result = msg->data.result;
        }
        break;
      }
      curl.multi_poll(multi, nullptr, 0, kPollMs, nullptr);
    }
  }
  curl.multi_remove_handle(multi, easy);
  long connects = 0;
  curl.easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);
  release(std::move(session));

  if (cancelled) return fail(ErrorCode::kCancelled, "request cancelled", shown_url);
  if (result != CURLE_OK) {
    std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : curl.easy_strerror(result);
    if (transfer.handler_aborted) detail = "aborted by the response handler";
    ErrorCode code = result == CURLE_OPERATION_TIMEDOUT ? ErrorCode::kTimeout : ErrorCode::kNetwork;
    Error error(
        code,
        fmt::format("{} failed: {} (curl error {})", method, detail, static_cast<int>(result)),
        shown_url, curl_hint(result));
    error.retryable = retryable_curl_code(result);
    return tl::make_unexpected(std::move(error));
  }
  transfer.response.reused_connection = connects == 0;
  if (log_) {
    log_->debug("HTTP {} from {} ({} body bytes, {} connection)", transfer.response.status,
                shown_url, transfer.response.body_bytes,
                transfer.response.reused_connection ? "reused" : "new");
  }
  return std::move(transfer.response);
}

}  // namespace agentry::llm
