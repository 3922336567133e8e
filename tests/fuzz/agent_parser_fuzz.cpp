// The agent loader's parse of one file from memory (clean-up, front-matter, YAML, every key),
// then everything `agentry agents show` and `--json` print from the result.
#include <nlohmann/json.hpp>

#include "agents/agent_json.hpp"
#include "agents/agent_parser.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using nlohmann::json;
  agentry::agents::Diagnostics diagnostics;
  auto def = agentry::agents::parse_agent(std::string(agentry::fuzz::as_text(data, size)),
                                          "agents/fuzz.md", "fuzz", "project", diagnostics);
  for (const auto& d : diagnostics) {
    (void)d.to_string();
    (void)agentry::agents::to_json(d, true).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (!def) {
    AGENTRY_FUZZ_CHECK(agentry::agents::count(diagnostics, agentry::agents::Severity::kError) > 0);
    return 0;
  }
  // The tool list is the policy's (engine layer) in `agents show`; here the file's own.
  (void)agentry::agents::to_json(*def, true, def->tools.value_or(std::vector<std::string>{}))
      .dump(2, ' ', false, json::error_handler_t::replace);
  // `agents show` prints these two as JSON; they are kept as written, invalid UTF-8 included
  // (two crashes here: a strict dump() threw).
  if (!def->permission.is_null())
    (void)def->permission.dump(-1, ' ', false, json::error_handler_t::replace);
  if (!def->extra.empty()) (void)def->extra.dump(-1, ' ', false, json::error_handler_t::replace);
  return 0;
}
