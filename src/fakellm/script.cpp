#include "fakellm/script.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/config.hpp"

namespace agentry::fakellm {

using nlohmann::json;

namespace {

const std::set<std::string, std::less<>> kTurnKeys = {"when",
                                                      "text",
                                                      "tool_calls",
                                                      "finish_reason",
                                                      "usage",
                                                      "faults",
                                                      "delay_ms",
                                                      "drip_tokens_per_second",
                                                      "text_chunk_chars",
                                                      "argument_fragment_chars",
                                                      "sse_no_space",
                                                      "line_end",
                                                      "comments",
                                                      "omit_done",
                                                      "bom",
                                                      "write_split_bytes",
                                                      "whole_tool_calls",
                                                      "missing_ids",
                                                      "arguments_as_object",
                                                      "empty_first_chunk",
                                                      "overlap_blocks",
                                                      "unknown_event",
                                                      "content_parts",
                                                      "thinking",
                                                      "server_blocks",
                                                      "model"};
const std::set<std::string, std::less<>> kFaultKeys = {"times",
                                                       "status",
                                                       "retry_after",
                                                       "retry_after_ms",
                                                       "x_should_retry",
                                                       "error_type",
                                                       "error_code",
                                                       "error_message",
                                                       "body",
                                                       "delay_ms",
                                                       "drip_tokens_per_second",
                                                       "cut_after_bytes",
                                                       "malformed_after_events",
                                                       "error_after_events",
                                                       "close_without_response",
                                                       "endless",
                                                       "endless_bytes"};

class Reader {
 public:
  Reader(const json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  Error error(std::string_view key, std::string_view what) const {
    return Error(ErrorCode::kConfig, fmt::format("{}: `{}` {}", where_, key, what));
  }
  Result<void> check_keys(const std::set<std::string, std::less<>>& known) const {
    for (const auto& [key, value] : obj_.items()) {
      if (!known.contains(key)) return tl::make_unexpected(error(key, "is not a known key"));
    }
    return {};
  }
  template <class T>
  Result<void> get(std::string_view key, T& into) const {
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return {};
    try {
      into = it->get<T>();
    } catch (const json::exception&) {
      return tl::make_unexpected(error(key, "has the wrong type"));
    }
    return {};
  }
  template <class T>
  Result<void> get(std::string_view key, std::optional<T>& into) const {
    T value{};
    if (!obj_.contains(key) || obj_.at(std::string(key)).is_null()) return {};
    if (auto r = get(key, value); !r) return r;
    into = std::move(value);
    return {};
  }

 private:
  const json& obj_;
  std::string where_;
};

#define AGENTRY_TRY(expr)                                     \
  if (auto agentry_r = (expr); !agentry_r) {                  \
    return tl::make_unexpected(std::move(agentry_r).error()); \
  }

/// A string, number or boolean as text ("" when absent); objects as their JSON.
std::string scalar_text(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

Result<Fault> parse_fault(const json& j, const std::string& where) {
  if (!j.is_object())
    return fail(ErrorCode::kConfig, fmt::format("{}: a fault must be a mapping", where));
  Reader r(j, where);
  Fault f;
  AGENTRY_TRY(r.check_keys(kFaultKeys));
  AGENTRY_TRY(r.get("times", f.times));
  AGENTRY_TRY(r.get("status", f.status));
  f.retry_after = scalar_text(j, "retry_after");
  AGENTRY_TRY(r.get("retry_after_ms", f.retry_after_ms));
  f.x_should_retry = scalar_text(j, "x_should_retry");
  AGENTRY_TRY(r.get("error_type", f.error_type));
  f.error_code = scalar_text(j, "error_code");
  AGENTRY_TRY(r.get("error_message", f.error_message));
  if (j.contains("body")) f.body = scalar_text(j, "body");
  AGENTRY_TRY(r.get("delay_ms", f.delay_ms));
  AGENTRY_TRY(r.get("drip_tokens_per_second", f.drip_tokens_per_second));
  AGENTRY_TRY(r.get("cut_after_bytes", f.cut_after_bytes));
  AGENTRY_TRY(r.get("malformed_after_events", f.malformed_after_events));
  AGENTRY_TRY(r.get("error_after_events", f.error_after_events));
  AGENTRY_TRY(r.get("close_without_response", f.close_without_response));
  AGENTRY_TRY(r.get("endless", f.endless));
  AGENTRY_TRY(r.get("endless_bytes", f.endless_bytes));
  if (f.times < 1) return fail(ErrorCode::kConfig, fmt::format("{}: `times` must be ≥ 1", where));
  if (!f.endless.empty() && f.endless != "text" && f.endless != "comments" &&
      f.endless != "arguments") {
    return fail(ErrorCode::kConfig,
                fmt::format("{}: `endless` must be text, comments or arguments", where));
  }
  return f;
}

Result<Turn> parse_turn(const json& j, const std::string& where) {
  Turn t;
  if (j.is_string()) {
    t.text = j.get<std::string>();
    return t;
  }
  if (!j.is_object())
    return fail(ErrorCode::kConfig, fmt::format("{}: a turn must be a mapping or a string", where));
  Reader r(j, where);
  AGENTRY_TRY(r.check_keys(kTurnKeys));
  if (auto when = j.find("when"); when != j.end() && !when->is_null()) {
    if (!when->is_object())
      return fail(ErrorCode::kConfig, fmt::format("{}: `when` must be a mapping", where));
    Reader w(*when, where + " when");
    AGENTRY_TRY(w.check_keys({"turn", "request", "contains", "tools"}));
    AGENTRY_TRY(w.get("turn", t.when_turn));
    AGENTRY_TRY(w.get("request", t.when_request));
    AGENTRY_TRY(w.get("contains", t.when_contains));
    AGENTRY_TRY(w.get("tools", t.when_tools));
  }
  AGENTRY_TRY(r.get("text", t.text));
  AGENTRY_TRY(r.get("finish_reason", t.finish_reason));
  AGENTRY_TRY(r.get("thinking", t.thinking));
  if (auto blocks = j.find("server_blocks"); blocks != j.end() && !blocks->is_null()) {
    bool mappings = blocks->is_array();
    for (const auto& b : mappings ? *blocks : json::array())
      mappings = mappings && b.is_object();
    if (!mappings)
      return fail(ErrorCode::kConfig,
                  fmt::format("{}: `server_blocks` must be a list of mappings", where));
    t.server_blocks = *blocks;
  }
  if (auto calls = j.find("tool_calls"); calls != j.end() && !calls->is_null()) {
    if (!calls->is_array())
      return fail(ErrorCode::kConfig, fmt::format("{}: `tool_calls` must be a list", where));
    int n = 0;
    for (const auto& c : *calls) {
      ++n;
      if (!c.is_object())
        return fail(ErrorCode::kConfig,
                    fmt::format("{}: tool call {} must be a mapping", where, n));
      ScriptToolCall call;
      call.id = c.value("id", fmt::format("call_{}", n));
      call.name = c.value("name", "");
      const json args = c.value("arguments", json::object());
      call.arguments = args.is_string() ? args.get<std::string>() : args.dump();
      t.tool_calls.push_back(std::move(call));
    }
  }
  if (auto usage = j.find("usage"); usage != j.end() && usage->is_object()) {
    Usage u;
    u.input_tokens = usage->value("input", std::int64_t{0});
    u.output_tokens = usage->value("output", std::int64_t{0});
    u.cache_read_tokens = usage->value("cache_read", std::int64_t{0});
    u.cache_write_tokens = usage->value("cache_write", std::int64_t{0});
    t.usage = u;
  }
  Shape& s = t.shape;
  AGENTRY_TRY(r.get("delay_ms", s.delay_ms));
  AGENTRY_TRY(r.get("drip_tokens_per_second", s.drip_tokens_per_second));
  AGENTRY_TRY(r.get("text_chunk_chars", s.text_chunk_chars));
  AGENTRY_TRY(r.get("argument_fragment_chars", s.argument_fragment_chars));
  AGENTRY_TRY(r.get("sse_no_space", s.sse_no_space));
  std::string line_end = "lf";
  AGENTRY_TRY(r.get("line_end", line_end));
  if (line_end == "lf")
    s.line_end = "\n";
  else if (line_end == "crlf")
    s.line_end = "\r\n";
  else if (line_end == "cr")
    s.line_end = "\r";
  else
    return fail(ErrorCode::kConfig, fmt::format("{}: `line_end` must be lf, crlf or cr", where));
  AGENTRY_TRY(r.get("comments", s.comments));
  AGENTRY_TRY(r.get("omit_done", s.omit_done));
  AGENTRY_TRY(r.get("bom", s.bom));
  AGENTRY_TRY(r.get("write_split_bytes", s.write_split_bytes));
  AGENTRY_TRY(r.get("whole_tool_calls", s.whole_tool_calls));
  AGENTRY_TRY(r.get("missing_ids", s.missing_ids));
  AGENTRY_TRY(r.get("arguments_as_object", s.arguments_as_object));
  AGENTRY_TRY(r.get("empty_first_chunk", s.empty_first_chunk));
  AGENTRY_TRY(r.get("overlap_blocks", s.overlap_blocks));
  AGENTRY_TRY(r.get("unknown_event", s.unknown_event));
  AGENTRY_TRY(r.get("content_parts", s.content_parts));
  AGENTRY_TRY(r.get("model", s.model));
  if (s.argument_fragment_chars < 1) s.argument_fragment_chars = 1;
  if (auto faults = j.find("faults"); faults != j.end() && !faults->is_null()) {
    if (!faults->is_array())
      return fail(ErrorCode::kConfig, fmt::format("{}: `faults` must be a list", where));
    int n = 0;
    for (const auto& f : *faults) {
      auto fault = parse_fault(f, fmt::format("{} fault {}", where, ++n));
      if (!fault) return tl::make_unexpected(fault.error());
      t.faults.push_back(std::move(*fault));
    }
  }
  return t;
}

Result<ServerSettings> parse_server(const json& j) {
  if (!j.is_object()) return fail(ErrorCode::kConfig, "`server` must be a mapping");
  Reader r(j, "server");
  ServerSettings s;
  AGENTRY_TRY(
      r.check_keys({"context_window", "max_output", "context_error", "cache_min_tokens",
                    "cache_lookback_blocks", "cache_max_breakpoints", "cache_ttl_ms",
                    "prefix_cache", "prefix_cache_step", "served_model", "thinking_rules"}));
  AGENTRY_TRY(r.get("context_window", s.context_window));
  AGENTRY_TRY(r.get("max_output", s.max_output));
  AGENTRY_TRY(r.get("context_error", s.context_error));
  AGENTRY_TRY(r.get("cache_min_tokens", s.cache_min_tokens));
  AGENTRY_TRY(r.get("cache_lookback_blocks", s.cache_lookback_blocks));
  AGENTRY_TRY(r.get("cache_max_breakpoints", s.cache_max_breakpoints));
  AGENTRY_TRY(r.get("cache_ttl_ms", s.cache_ttl_ms));
  AGENTRY_TRY(r.get("prefix_cache", s.prefix_cache));
  AGENTRY_TRY(r.get("prefix_cache_step", s.prefix_cache_step));
  AGENTRY_TRY(r.get("served_model", s.served_model));
  AGENTRY_TRY(r.get("thinking_rules", s.thinking_rules));
  if (s.context_error != "openai" && s.context_error != "vllm" && s.context_error != "llamacpp")
    return tl::make_unexpected(r.error("context_error", "must be openai, vllm or llamacpp"));
  if (s.context_window < 0 || s.max_output < 0 || s.cache_min_tokens < 0 ||
      s.cache_lookback_blocks < 0 || s.cache_max_breakpoints < 0 || s.cache_ttl_ms < 0)
    return fail(ErrorCode::kConfig, "server: token counts, limits and times must not be negative");
  if (s.prefix_cache_step < 1)
    return tl::make_unexpected(r.error("prefix_cache_step", "must be at least 1"));
  return s;
}

#undef AGENTRY_TRY

}  // namespace

Result<Script> parse_script(const json& doc) {
  const json* turns = &doc;
  Script script;
  if (doc.is_object()) {
    auto it = doc.find("turns");
    if (it == doc.end()) return fail(ErrorCode::kConfig, "the script has no `turns` list");
    turns = &*it;
    if (auto extra = doc.find("server"); extra != doc.end() && !extra->is_null()) {
      auto server = parse_server(*extra);
      if (!server) return tl::make_unexpected(server.error());
      script.server = std::move(*server);
    }
  }
  if (!turns->is_array()) return fail(ErrorCode::kConfig, "the script's turns must be a list");
  int n = 0;
  for (const auto& t : *turns) {
    auto turn = parse_turn(t, fmt::format("turn {}", ++n));
    if (!turn) return tl::make_unexpected(turn.error());
    script.turns.push_back(std::move(*turn));
  }
  return script;
}

Result<Script> load_script(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read the script", file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto doc = yaml_to_json(text.str(), file.string());
  if (!doc) return tl::make_unexpected(doc.error());
  auto script = parse_script(*doc);
  if (!script) {
    Error e = script.error();
    e.where = file.string();
    return tl::make_unexpected(std::move(e));
  }
  return script;
}

}  // namespace agentry::fakellm
