#pragma once
/// The fake LLM server's script: which answer each request gets, and how it is delivered.
///
/// A script is a YAML or JSON list of turns (or a mapping with `turns:`). For each request the
/// server picks the first turn whose `when` matches — `turn: N` (the request's history holds N-1
/// assistant messages, so retries of one turn match alike), `request: N` (the N-th request the
/// server received), `contains: TEXT` (the last message contains TEXT) and/or `tools: BOOL`
/// (the request offers tools, or none: a compaction's summary call) — else the next turn
/// without `when`, in order. A turn's `faults` are served first, one per request, each `times`
/// times; then its normal answer (which consumes a `when`-less turn).
///
///   turns:
///     - text: "Let me check."
///       tool_calls:
///         - {id: call_1, name: cargo_check, arguments: {package: a}}   # or a raw string
///       usage: {input: 120, output: 18}
///       finish_reason: tool_calls           # default: from the content, per protocol
///       faults:
///         - {status: 429, retry_after_ms: 50, times: 2}
///         - {cut_after_bytes: 300}
///       drip_tokens_per_second: 20
///     - when: {contains: "ok"}
///       text: Done.
///
/// Shaping keys (per turn; a fault may override delay_ms and drip_tokens_per_second):
/// delay_ms, drip_tokens_per_second, text_chunk_chars (0: word by word),
/// argument_fragment_chars, sse_no_space, line_end (lf | crlf | cr), comments, omit_done,
/// bom, write_split_bytes, whole_tool_calls (Ollama), missing_ids, arguments_as_object,
/// empty_first_chunk (Azure), overlap_blocks and unknown_event (Anthropic), model,
/// content_parts (OpenAI: content as a list of typed parts, as Mistral's Magistral sends it).
/// Content keys besides text and tool_calls: `thinking` (reasoning text: OpenAI sends it as
/// `thinking` parts with content_parts, else as `reasoning_content`; Anthropic as a thinking
/// block with a signature) and `server_blocks` (Anthropic: content blocks sent as given before
/// the text, e.g. server_tool_use and web_search_tool_result; with `finish_reason: pause_turn`
/// they script a paused turn).
/// Fault keys: times, status, retry_after, retry_after_ms, x_should_retry, error_type,
/// error_code, error_message, body, delay_ms, drip_tokens_per_second, cut_after_bytes,
/// malformed_after_events, error_after_events, close_without_response, endless (text | comments |
/// arguments: a stream that never ends — text deltas, keep-alive comments, or one tool call's
/// argument fragments — until the client hangs up or, with endless_bytes, until that many bytes
/// of it were sent; then the turn's normal end follows).
///
/// Server keys (a top-level `server:` mapping beside `turns:`, or FakeLlmOptions::server): what
/// the real services enforce and account, per request, on the server's own token count
/// (prompt.hpp: system, tools' JSON, every message and block; roughly like a BPE tokenizer).
///
///   server:
///     context_window: 32000     # 0 (default): no limit. Over it: the service's 400, the
///                               # request is recorded as refused and consumes no turn
///     max_output: 8192          # 0 (default): unchecked. Else max_tokens above it is refused,
///                               # and prompt + max_tokens must fit the window
///     context_error: openai     # the OpenAI route's error shape: openai | vllm | llamacpp
///     cache_min_tokens: 1024    # the shortest cacheable prefix (Anthropic and OpenAI)
///     cache_lookback_blocks: 20 # Anthropic: block boundaries checked before a breakpoint
///     cache_max_breakpoints: 4  # Anthropic: more blocks with cache_control are a 400
///     cache_ttl_ms: 0           # 0 (default): entries live as long as the server; else
///                               # they expire this long after their last write or read
///     prefix_cache: true        # OpenAI route: automatic prefix caching (cached_tokens)
///     prefix_cache_step: 128    # OpenAI: cache hits grow in steps of this many tokens
///     served_model: fake-model  # the id GET /v1/models lists
///     thinking_rules: true      # Anthropic's extended-thinking rules and DeepSeek's refusal of
///                               # reasoning_content sent back (thinking_rules.hpp); on the
///                               # Responses route, reasoning items required before their
///                               # function calls (responses_rules.hpp)
///     redacted_every: 3         # with thinking_rules: a redacted_thinking block every N turns
///
/// What the service tells about itself (never a turn): GET /v1/models lists `served_model`
/// (with context_error vllm and a window, with vLLM's `max_model_len`); with llamacpp, GET
/// /props has `default_generation_settings.n_ctx`; POST /v1/messages/count_tokens answers
/// Anthropic's `{"input_tokens": N}`.
///
/// A scripted `usage:` takes input, output, cache_read, cache_write and reasoning (OpenAI's
/// completion_tokens_details.reasoning_tokens).
/// Usage: unless a turn scripts `usage:` (which then is reported as given), the server reports
/// its own count: Anthropic `input_tokens` (the uncached rest), `cache_read_input_tokens`,
/// `cache_creation_input_tokens`; OpenAI `prompt_tokens` with
/// `prompt_tokens_details.cached_tokens`; output tokens counted on the turn's content.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/message.hpp"

namespace agentry::fakellm {

struct ScriptToolCall {
  std::string id;  ///< "" with missing_ids: the id is left out of the wire
  std::string name;
  std::string arguments;  ///< the argument text sent, byte for byte
};

struct Shape {
  int delay_ms = 0;
  double drip_tokens_per_second = 0;  ///< 0: as fast as possible
  int text_chunk_chars = 0;           ///< 0: one word (with its trailing space) per delta
  int argument_fragment_chars = 7;
  bool sse_no_space = false;
  std::string line_end = "\n";
  bool comments = false;  ///< keep-alive comments (": OPENROUTER PROCESSING", ": ping")
  bool omit_done = false;
  bool bom = false;
  int write_split_bytes = 0;  ///< send each event in pieces of this many bytes
  bool whole_tool_calls = false;
  bool missing_ids = false;
  bool arguments_as_object = false;
  bool empty_first_chunk = false;
  bool overlap_blocks = false;
  bool unknown_event = false;
  bool content_parts = false;
  std::string model;  ///< "" answers with the requested model
};

struct Fault {
  int times = 1;
  int status = 0;  ///< an HTTP error status to answer with
  std::string retry_after;
  std::optional<double> retry_after_ms;
  std::string x_should_retry;
  std::string error_type;
  std::string error_code;
  std::string error_message;
  std::optional<std::string> body;  ///< the exact error body instead of a generated one
  std::optional<int> delay_ms;
  std::optional<double> drip_tokens_per_second;
  long cut_after_bytes = -1;        ///< drop the connection after this many body bytes
  int malformed_after_events = -1;  ///< insert a malformed event after this many events
  int error_after_events = -1;      ///< send an in-stream error after this many events, then end
  bool close_without_response = false;
  std::string endless;      ///< "" | "text" | "comments" | "arguments"
  long endless_bytes = -1;  ///< end the endless part after this many bytes; -1: never
};

struct Turn {
  std::optional<int> when_turn;
  std::optional<int> when_request;
  std::optional<std::string> when_contains;
  std::optional<bool> when_tools;  ///< true: the request offers tools; false: it offers none
  std::string text;
  std::string thinking;
  nlohmann::json server_blocks = nlohmann::json::array();
  std::vector<ScriptToolCall> tool_calls;
  std::string finish_reason;  ///< "" derives it from the content
  std::optional<Usage> usage;
  Shape shape;
  std::vector<Fault> faults;

  bool has_when() const {
    return when_turn || when_request || when_contains || when_tools.has_value();
  }
};

/// The script's `server:` settings (see above).
struct ServerSettings {
  std::int64_t context_window = 0;
  std::int64_t max_output = 0;
  std::string context_error = "openai";  ///< openai | vllm | llamacpp
  std::int64_t cache_min_tokens = 1024;
  int cache_lookback_blocks = 20;
  int cache_max_breakpoints = 4;
  std::int64_t cache_ttl_ms = 0;
  bool prefix_cache = true;
  std::int64_t prefix_cache_step = 128;
  std::string served_model = "fake-model";
  bool thinking_rules = false;  ///< enforce the reasoning APIs' rules (thinking_rules.hpp,
                                ///< responses_rules.hpp)
  int redacted_every = 3;       ///< with thinking_rules: a redacted_thinking block every N turns
};

struct Script {
  std::vector<Turn> turns;
  ServerSettings server;
};

/// Builds a script from its JSON form; errors name the turn and key.
[[nodiscard]] Result<Script> parse_script(const nlohmann::json& doc);
/// Reads a YAML or JSON script file.
[[nodiscard]] Result<Script> load_script(const std::filesystem::path& file);

}  // namespace agentry::fakellm
