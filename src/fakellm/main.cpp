// agentry-fake-llm: serves a script on 127.0.0.1 until SIGINT or SIGTERM. Prints the port it
// listens on as the first line of stdout, so a parent process can start it with --port 0.
#include <fstream>
#include <iostream>
#include <mutex>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fakellm/fake_llm_server.hpp"
#include "fakellm/script.hpp"

namespace {

/// One JSON line per request, with credential headers masked unless `show_credentials` (tests
/// that must prove which key a client sent), and the server's token count (`tokens`: prompt,
/// input, cache_read, cache_write, output) and `refused` (with the `refusal` message).
std::string request_line(const agentry::fakellm::RecordedRequest& r, bool show_credentials) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [name, value] : r.headers) {
    bool secret = name == "authorization" || name == "x-api-key" || name == "proxy-authorization";
    headers[name] = secret && !show_credentials ? "***" : value;
  }
  nlohmann::json line = {
      {"number", r.number}, {"connection", r.connection},
      {"method", r.method}, {"path", r.path},
      {"turn", r.turn},     {"faulted", r.faulted},
      {"headers", headers}, {"body", r.json.is_null() ? nlohmann::json(r.body) : r.json}};
  line["tokens"] = {{"prompt", r.tokens.prompt},
                    {"input", r.tokens.input},
                    {"cache_read", r.tokens.cache_read},
                    {"cache_write", r.tokens.cache_write},
                    {"output", r.tokens.output}};
  line["refused"] = r.refused;
  if (r.refused) line["refusal"] = r.refusal;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"A scripted fake LLM server (OpenAI and Anthropic wire protocols) on 127.0.0.1",
               "agentry-fake-llm"};
  std::string script_path;
  int port = 0;
  std::string requests_log;
  bool show_credentials = false;
  app.add_option("--script", script_path, "YAML or JSON script of turns")->required();
  app.add_option("--port", port, "Port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--requests-log", requests_log,
                 "Append every request received to FILE as JSON lines");
  app.add_flag("--log-credentials", show_credentials,
               "Write credential headers (authorization, x-api-key) to the requests log as sent "
               "instead of ***");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto script = agentry::fakellm::load_script(script_path);
  if (!script) {
    std::cerr << "agentry-fake-llm: " << script.error().to_string() << '\n';
    return 2;
  }

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::ofstream log;
  std::mutex log_mu;
  agentry::fakellm::FakeLlmOptions options;
  options.port = port;
  options.keep_requests = false;  // nothing here reads them back; --requests-log streams them
  if (!requests_log.empty()) {
    log.open(requests_log, std::ios::app);
    if (!log) {
      std::cerr << "agentry-fake-llm: cannot open " << requests_log << '\n';
      return 2;
    }
    options.on_request = [&](const agentry::fakellm::RecordedRequest& r) {
      std::lock_guard lock(log_mu);
      log << request_line(r, show_credentials) << std::endl;
    };
  }
  auto server = agentry::fakellm::FakeLlmServer::start(std::move(*script), std::move(options));
  if (!server) {
    std::cerr << "agentry-fake-llm: " << server.error().to_string() << '\n';
    return 1;
  }
  std::cout << (*server)->port() << std::endl;
  std::cerr << "agentry-fake-llm: serving " << script_path << " on " << (*server)->url() << '\n';

  int received = 0;
  sigwait(&stop_signals, &received);
  (*server)->stop();
  return 0;
}
