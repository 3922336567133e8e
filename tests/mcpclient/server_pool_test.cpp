// The server pool against real MCP servers from npm (tests/mcp_servers: server-filesystem,
// server-memory, server-everything over stdio and Streamable HTTP) and against misbehaving ones
// of our own (tests/fixtures/mcp/bad_server.py): lazy start, results, progress, cancellation,
// a server that crashes, one that never answers, one that sends garbage — and no process left.
#include "mcpclient/server_pool.hpp"

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/build_paths.hpp"
#include "support/mcp_servers.hpp"
#include "support/spawned_process.hpp"
#include "support/temp_dir.hpp"

namespace agentry::mcpclient {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

ServerConfig stdio_server(std::string name, std::string command, std::vector<std::string> args) {
  ServerConfig config;
  config.name = std::move(name);
  config.origin = "test";
  config.command = std::move(command);
  config.args = std::move(args);
  return config;
}

PoolOptions pool_options(const fs::path& cwd, llm::CurlGlobal* curl = nullptr) {
  PoolOptions options;
  options.env = Environment::from_process();
  options.cwd = cwd;
  options.curl = curl;
  return options;
}

std::string bad_server() {
  return (fs::path(AGENTRY_TEST_FIXTURES) / "mcp" / "bad_server.py").string();
}

ServerState state_of(const ServerPool& pool, std::string_view name) {
  for (const auto& status : pool.servers()) {
    if (status.name == name) return status.state;
  }
  return ServerState::kBlocked;
}

bool has_tool(const std::vector<ToolInfo>& tools, std::string_view name) {
  for (const auto& tool : tools) {
    if (tool.name == name) return !tool.input_schema.is_null();
  }
  return false;
}

/// Progress, structured and image content, and a cancelled long call, on server `name`.
void check_everything(ServerPool& pool, const std::string& name) {
  auto tools = pool.tools(name, {});
  REQUIRE_MESSAGE(tools, (tools ? "" : tools.error().to_string()));
  CHECK(has_tool(*tools, "trigger-long-running-operation"));

  std::vector<Progress> seen;
  std::mutex m;
  auto result = pool.call(name, "trigger-long-running-operation",
                          json{{"duration", 1}, {"steps", 4}}, {}, [&](const Progress& p) {
                            std::lock_guard lock(m);
                            seen.push_back(p);
                          });
  CHECK_MESSAGE(!result.is_error, result.text);
  CHECK(result.text.find("Long running operation completed") != std::string::npos);
  REQUIRE(seen.size() == 4);
  CHECK(seen.back().progress == 4);
  CHECK(seen.back().total == 4);

  auto structured = pool.call(name, "get-structured-content", json{{"location", "Chicago"}}, {});
  CHECK_FALSE(structured.is_error);
  auto last_line = structured.text.substr(structured.text.rfind('\n') + 1);
  auto parsed = json::parse(last_line, nullptr, false);
  CHECK_MESSAGE(parsed.contains("temperature"), structured.text);

  auto image = pool.call(name, "get-tiny-image", json::object(), {});
  CHECK_FALSE(image.is_error);
  CHECK_MESSAGE(image.text.find("[image: image/png,") != std::string::npos, image.text);
  CHECK(image.text.size() < 500);  // a note, not the base64

  std::stop_source stop;
  auto started = Clock::now();
  std::jthread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    stop.request_stop();
  });
  auto cancelled = pool.call(name, "trigger-long-running-operation",
                             json{{"duration", 60}, {"steps", 60}}, stop.get_token());
  CHECK(cancelled.is_error);
  CHECK(cancelled.text.find("cancelled") != std::string::npos);
  CHECK(Clock::now() - started < std::chrono::seconds(10));
  // The server survives a cancelled call.
  auto echo = pool.call(name, "echo", json{{"message", "still here"}}, {});
  CHECK_MESSAGE(echo.text.find("still here") != std::string::npos, echo.text);
}

}  // namespace

TEST_CASE("pool: server-filesystem lists and reads a directory, started on first use only") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  testing::TempDir dir("agentry-mcp-fs");
  dir.write("notes/hello.txt", "hello from the filesystem server\n");
  dir.write("notes/second.md", "# two\n");
  std::vector<ServerConfig> configs{stdio_server(
      "fs", servers->node, {servers->script("server-filesystem"), dir.path().string()})};
  ServerPool pool(std::move(configs), {}, "", pool_options(dir.path()));
  CHECK(state_of(pool, "fs") == ServerState::kNotStarted);
  CHECK(testing::processes_with(dir.path().string()).empty());

  auto listed =
      pool.call("fs", "list_directory", json{{"path", (dir.path() / "notes").string()}}, {});
  CHECK_MESSAGE(!listed.is_error, listed.text);
  CHECK(listed.text.find("[FILE] hello.txt") != std::string::npos);
  CHECK(listed.text.find("[FILE] second.md") != std::string::npos);
  CHECK(state_of(pool, "fs") == ServerState::kRunning);
  CHECK(testing::processes_with(dir.path().string()).size() == 1);

  auto read = pool.call("fs", "read_text_file",
                        json{{"path", (dir.path() / "notes" / "hello.txt").string()}}, {});
  CHECK_FALSE(read.is_error);
  CHECK(read.text.find("hello from the filesystem server") != std::string::npos);

  auto outside = pool.call("fs", "read_text_file", json{{"path", "/etc/passwd"}}, {});
  CHECK(outside.is_error);  // the server's own isError

  pool.stop_all();
  CHECK(testing::none_left_with(dir.path().string()));
}

TEST_CASE("pool: server-memory stores an entity and reads it back") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  testing::TempDir dir("agentry-mcp-memory");
  auto config = stdio_server("memory", servers->node, {servers->script("server-memory")});
  config.env = {{"MEMORY_FILE_PATH", (dir.path() / "memory.jsonl").string()}};
  ServerPool pool({config}, {}, "", pool_options(dir.path()));
  auto stored = pool.call("memory", "create_entities",
                          json{{"entities",
                                {{{"name", "Ada Lovelace"},
                                  {"entityType", "person"},
                                  {"observations", {"wrote the first program"}}}}}},
                          {});
  CHECK_MESSAGE(!stored.is_error, stored.text);
  auto read = pool.call("memory", "open_nodes", json{{"names", {"Ada Lovelace"}}}, {});
  CHECK_FALSE(read.is_error);
  CHECK(read.text.find("wrote the first program") != std::string::npos);
  pool.stop_all();
  // It really went through the server: its file holds the entity.
  CHECK(testing::read_file(dir.path() / "memory.jsonl").find("Ada Lovelace") != std::string::npos);
}

TEST_CASE("pool: server-everything over stdio: progress, structured and image content, cancel") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  testing::TempDir dir("agentry-mcp-every");
  // The folder as an extra argument marks this test's server among the machine's processes.
  ServerPool pool(
      {stdio_server("everything", servers->node,
                    {servers->script("server-everything"), "stdio", dir.path().string()})},
      {}, "", pool_options(dir.path()));
  check_everything(pool, "everything");
  pool.stop_all();
  CHECK(testing::none_left_with(dir.path().string()));
}

TEST_CASE("pool: server-everything over Streamable HTTP: progress, structured and image, cancel") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  testing::TempDir dir("agentry-mcp-http");
  int port = testing::free_port();
  testing::SpawnOptions spawn;
  spawn.argv = {servers->node, servers->script("server-everything"), "streamableHttp"};
  spawn.env = {{"PORT", std::to_string(port)}, {"PATH", "/usr/local/bin:/usr/bin:/bin"}};
  testing::SpawnedProcess http_server(spawn);
  REQUIRE(testing::wait_for_port(port));
  llm::CurlGlobal curl;
  ServerConfig config;
  config.name = "web";
  config.origin = "test";
  config.transport = TransportKind::kHttp;
  config.url = fmt::format("http://127.0.0.1:{}/mcp", port);
  config.timeout = std::chrono::seconds(30);
  {
    ServerPool pool({config}, {}, "", pool_options(dir.path(), &curl));
    check_everything(pool, "web");
    CHECK(pool.ping("web", {}).has_value());
  }
}

TEST_CASE("pool: a server that crashes mid-call gives an error result and is restarted once") {
  testing::TempDir dir("agentry-mcp-crash");
  fs::path state = dir.path() / "crashed-once";
  ServerPool pool({stdio_server("crashy", "python3", {bad_server(), "crash", state.string()})}, {},
                  "", pool_options(dir.path()));
  auto crashed = pool.call("crashy", "work", json::object(), {});
  CHECK(crashed.is_error);
  CHECK_MESSAGE(
      crashed.text.find("exited with status 3 during the call of work") != std::string::npos,
      crashed.text);
  CHECK(crashed.text.find("started again on the next call") != std::string::npos);
  CHECK(state_of(pool, "crashy") == ServerState::kExited);
  // Its grandchild (`sleep 301.7`, in its process group) went with it at the latest now.
  auto restarted = pool.call("crashy", "work", json::object(), {});
  CHECK_MESSAGE(!restarted.is_error, restarted.text);
  CHECK(restarted.text == "worked");
  pool.stop_all();
  CHECK(testing::none_left_with(state.string()));
  CHECK(testing::none_left_with("301.7"));
}

TEST_CASE("pool: a server that dies again after its restart stays failed") {
  testing::TempDir dir("agentry-mcp-crash2");
  // No state file: it crashes on every call.
  ServerPool pool({stdio_server("crashy", "python3", {bad_server(), "crash"})}, {}, "",
                  pool_options(dir.path()));
  CHECK(pool.call("crashy", "work", json::object(), {}).is_error);
  CHECK(pool.call("crashy", "work", json::object(), {}).is_error);
  auto third = pool.call("crashy", "work", json::object(), {});
  CHECK(third.is_error);
  CHECK_MESSAGE(third.text.find("not available") != std::string::npos, third.text);
  CHECK(state_of(pool, "crashy") == ServerState::kFailed);
}

TEST_CASE("pool: a server that never answers initialize fails within its timeout, nothing left") {
  testing::TempDir dir("agentry-mcp-silent");
  auto config = stdio_server("silent", "python3", {bad_server(), "silent", dir.path().string()});
  config.timeout = std::chrono::seconds(2);
  ServerPool pool({config}, {}, "", pool_options(dir.path()));
  auto started = Clock::now();
  auto result = pool.call("silent", "work", json::object(), {});
  CHECK(Clock::now() - started < std::chrono::seconds(8));
  CHECK(result.is_error);
  CHECK_MESSAGE(result.text.find("initialize: no answer within 2s") != std::string::npos,
                result.text);
  CHECK(testing::none_left_with(dir.path().string()));
  // Later calls fail at once instead of waiting again.
  started = Clock::now();
  CHECK(pool.call("silent", "work", json::object(), {}).is_error);
  CHECK(Clock::now() - started < std::chrono::seconds(1));
  CHECK(state_of(pool, "silent") == ServerState::kFailed);
}

TEST_CASE("pool: a server that sends garbage gets a clear error naming what it sent") {
  testing::TempDir dir("agentry-mcp-garbage");
  auto config = stdio_server("garbage", "python3", {bad_server(), "garbage", dir.path().string()});
  config.timeout = std::chrono::seconds(2);
  ServerPool pool({config}, {}, "", pool_options(dir.path()));
  auto result = pool.call("garbage", "work", json::object(), {});
  CHECK(result.is_error);
  CHECK_MESSAGE(result.text.find("2 line(s) that are not JSON-RPC messages, the first: `hello, I "
                                 "am not JSON`") != std::string::npos,
                result.text);
  pool.stop_all();
  CHECK(testing::none_left_with(dir.path().string()));

  ServerPool bad_result({stdio_server("badcall", "python3", {bad_server(), "badcall"})}, {}, "",
                        pool_options(dir.path()));
  auto call = bad_result.call("badcall", "work", json::object(), {});
  CHECK(call.is_error);
  CHECK(call.text.find("not an object") != std::string::npos);
}

TEST_CASE("pool: unknown, disabled and blocked servers are errors, and never start") {
  testing::TempDir dir("agentry-mcp-blocked");
  fs::path marker = dir.path() / "started";
  auto touch = stdio_server("touch", "touch", {marker.string()});
  auto disabled = touch;
  disabled.name = "off";
  disabled.enabled = false;
  ServerPool pool({disabled}, {touch}, "the project is not trusted", pool_options(dir.path()));
  CHECK(pool.usable_servers().empty());
  auto blocked = pool.call("touch", "x", json::object(), {});
  CHECK(blocked.is_error);
  CHECK(blocked.text.find("the project is not trusted") != std::string::npos);
  CHECK(pool.call("off", "x", json::object(), {}).text.find("disabled") != std::string::npos);
  CHECK(pool.call("nope", "x", json::object(), {}).text.find("no MCP server named `nope`") !=
        std::string::npos);
  CHECK_FALSE(pool.tools("touch", {}));
  CHECK_FALSE(fs::exists(marker));
  CHECK(state_of(pool, "touch") == ServerState::kBlocked);
  CHECK(state_of(pool, "off") == ServerState::kDisabled);
}

TEST_CASE("pool: a command that does not exist is a clear error") {
  testing::TempDir dir("agentry-mcp-missing");
  ServerPool pool({stdio_server("ghost", "agentry-no-such-program", {})}, {}, "",
                  pool_options(dir.path()));
  auto result = pool.call("ghost", "x", json::object(), {});
  CHECK(result.is_error);
  CHECK_MESSAGE(
      result.text.find("program `agentry-no-such-program` not found") != std::string::npos,
      result.text);
}

}  // namespace agentry::mcpclient

namespace agentry::mcpclient {

namespace {

/// tests/fixtures/mcp/http_server.py on a free port, logging every request to `log`.
testing::SpawnOptions python_http_server(const fs::path& home, int port, const fs::path& log,
                                         std::string mode = "") {
  testing::SpawnOptions spawn;
  spawn.argv = {"/usr/bin/env", "python3",
                (fs::path(AGENTRY_TEST_FIXTURES) / "mcp" / "http_server.py").string(),
                std::to_string(port), log.string()};
  if (!mode.empty()) spawn.argv.push_back(std::move(mode));
  spawn.env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"HOME", home.string()},
      {"PYENV_ROOT", std::getenv("PYENV_ROOT") != nullptr ? std::getenv("PYENV_ROOT") : ""}};
  if (const char* path = std::getenv("PATH")) spawn.env["PATH"] = path;
  return spawn;
}

ServerConfig python_http_config(int port) {
  ServerConfig config;
  config.name = "py";
  config.origin = "test";
  config.transport = TransportKind::kHttp;
  config.url = fmt::format("http://127.0.0.1:{}/mcp", port);
  return config;
}

std::vector<json> logged_requests(const fs::path& log) {
  std::vector<json> requests;
  std::istringstream lines(testing::read_file(log));
  for (std::string line; std::getline(lines, line);)
    requests.push_back(json::parse(line));
  return requests;
}

}  // namespace

TEST_CASE(
    "pool: Streamable HTTP sends the session headers, resumes a broken stream, renews a "
    "session") {
  testing::TempDir dir("agentry-mcp-pyhttp");
  int port = testing::free_port();
  fs::path log = dir.path() / "requests.jsonl";
  testing::SpawnedProcess server(python_http_server(dir.path(), port, log));
  REQUIRE(testing::wait_for_port(port));
  llm::CurlGlobal curl;
  ServerConfig config = python_http_config(port);
  config.headers = {{"X-Team", "blue"}};
  config.timeout = std::chrono::seconds(20);
  ServerPool pool({config}, {}, "", pool_options(dir.path(), &curl));

  std::vector<Progress> seen;
  auto flaky =
      pool.call("py", "flaky", json::object(), {}, [&](const Progress& p) { seen.push_back(p); });
  CHECK_MESSAGE(!flaky.is_error, flaky.text);
  CHECK(flaky.text == "resumed");
  CHECK(seen.size() == 1);

  auto expired = pool.call("py", "expire", json::object(), {});
  CHECK(expired.is_error);
  CHECK_MESSAGE(expired.text.find("ended the session (HTTP 404)") != std::string::npos,
                expired.text);
  auto renewed = pool.call("py", "echo", json{{"text", "new session"}}, {});
  CHECK_MESSAGE(!renewed.is_error, renewed.text);
  CHECK(renewed.text == "new session");
  pool.stop_all();

  std::vector<json> requests = logged_requests(log);
  int initializes = 0;
  bool resumed = false;
  // The client ends its second session as it closes: the last request is its DELETE.
  REQUIRE_FALSE(requests.empty());
  CHECK(requests.back()["method"] == "DELETE");
  CHECK(requests.back()["session"] == "sess-2");
  for (const auto& r : requests) {
    CAPTURE(r.dump());
    const json& body = r["body"];
    if (body.is_object() && body.value("method", "") == "initialize") {
      ++initializes;
      CHECK(r["session"].is_null());
      CHECK(body["params"]["protocolVersion"] == "2025-11-25");
      continue;
    }
    // Every later request carries the session and the negotiated version.
    CHECK(r["session"].is_string());
    CHECK(r["version"] == "2025-06-18");
    if (r["method"] == "GET" && r["last_event_id"] == "ev-1") resumed = true;
  }
  CHECK(initializes == 2);
  CHECK(resumed);
}

TEST_CASE("pool: the server's GET stream is resumed with Last-Event-ID after its retry delay") {
  testing::TempDir dir("agentry-mcp-getstream");
  int port = testing::free_port();
  fs::path log = dir.path() / "requests.jsonl";
  testing::SpawnedProcess server(python_http_server(dir.path(), port, log, "stream"));
  REQUIRE(testing::wait_for_port(port));
  llm::CurlGlobal curl;
  ServerConfig config = python_http_config(port);
  config.timeout = std::chrono::seconds(20);
  ServerPool pool({config}, {}, "", pool_options(dir.path(), &curl));
  REQUIRE(pool.tools("py", {}).has_value());

  // The stream sends list_changed as g-1 and drops; the client comes back with Last-Event-ID g-1
  // (after the 100 ms the server asked), gets g-2, comes back with g-2 and is told 405: done.
  auto gets_with = [&](const char* last) {
    int n = 0;
    for (const auto& r : logged_requests(log))
      n += r["method"] == "GET" && r["last_event_id"] == json(last);
    return n;
  };
  for (int i = 0; i < 100 && gets_with("g-2") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(gets_with("g-1") == 1);
  CHECK(gets_with("g-2") == 1);
  // list_changed made the list stale: it is listed again.
  REQUIRE(pool.tools("py", {}).has_value());
  int lists = 0;
  for (const auto& r : logged_requests(log)) {
    if (r["method"] == "GET") {
      CHECK(r["session"] == "sess-1");
      CHECK(r["version"] == "2025-06-18");
    }
    lists += r["body"].is_object() && r["body"].value("method", "") == "tools/list";
  }
  CHECK(lists == 2);
}

}  // namespace agentry::mcpclient

namespace agentry::mcpclient {

TEST_CASE("pool: a stdio server gets no secret of agentry's environment unless its env names it") {
  auto servers = testing::real_mcp_servers();
  if (!servers) return;
  testing::TempDir dir("agentry-mcp-env");
  auto options = pool_options(dir.path());
  options.env.set("OPENAI_API_KEY", "sk-agentry-provider-key");
  options.env.set("TEAM_LLM_PASS", "marked-secret-value");
  options.env.mark_secret("TEAM_LLM_PASS");
  options.env.set("GITHUB_TOKEN", "ghp-not-for-servers");
  options.env.set("PLAIN_SETTING", "visible");
  auto config = stdio_server("everything", servers->node,
                             {servers->script("server-everything"), "stdio", dir.path().string()});
  config.env = {{"SERVER_OWN_TOKEN", "given-on-purpose"}};
  ServerPool pool({config}, {}, "", std::move(options));
  auto env = pool.call("everything", "get-env", json::object(), {});
  REQUIRE_FALSE_MESSAGE(env.is_error, env.text);
  CHECK(env.text.find("visible") != std::string::npos);
  CHECK(env.text.find("given-on-purpose") != std::string::npos);
  for (const char* secret :
       {"sk-agentry-provider-key", "marked-secret-value", "ghp-not-for-servers"})
    CHECK_MESSAGE(env.text.find(secret) == std::string::npos, secret);
}

}  // namespace agentry::mcpclient

namespace agentry::mcpclient {

TEST_CASE("pool: tools are listed again, every page, after notifications/tools/list_changed") {
  testing::TempDir dir("agentry-mcp-changing");
  ServerPool pool({stdio_server("changing", "python3", {bad_server(), "changing"})}, {}, "",
                  pool_options(dir.path()));
  auto first = pool.tools("changing", {});
  REQUIRE_MESSAGE(first, (first ? "" : first.error().to_string()));
  CHECK(first->size() == 1);
  CHECK(pool.tools("changing", {})->size() == 1);  // cached: nothing changed
  CHECK(pool.ping("changing", {}).has_value());
  CHECK(pool.call("changing", "work", json::object(), {}).text == "worked");
  auto second = pool.tools("changing", {});
  REQUIRE(second);
  REQUIRE(second->size() == 2);
  CHECK((*second)[1].name == "more");
  CHECK((*second)[1].description == "Appeared later");
}

}  // namespace agentry::mcpclient
