#include "agents/agent_parser.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/build_paths.hpp"
#include "support/temp_dir.hpp"
#include "support/yaml_bomb.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;
using Names = std::vector<std::string>;

namespace {

struct Parsed {
  std::optional<AgentDefinition> def;
  Diagnostics diagnostics;
  fs::path file;

  std::vector<Diagnostic> of(Severity severity) const {
    std::vector<Diagnostic> out;
    for (const auto& d : diagnostics) {
      if (d.severity == severity) out.push_back(d);
    }
    return out;
  }
};

Parsed parse_fixture(const std::string& relative) {
  Parsed out;
  out.file = testing::fixtures_dir() / "agents" / relative;
  out.def = parse_agent(testing::read_file(out.file), out.file, out.file.stem().string(), "test",
                        out.diagnostics);
  return out;
}

Parsed parse_text(std::string text) {
  Parsed out;
  out.file = "inline.md";
  out.def = parse_agent(std::move(text), out.file, "from-path", "test", out.diagnostics);
  return out;
}

/// The one error a bad fixture reports: its file:line:col and message.
Diagnostic only_error(const Parsed& parsed) {
  CHECK_FALSE(parsed.def.has_value());
  auto errors = parsed.of(Severity::kError);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == parsed.file);
  return errors[0];
}

const Names kShell{"bash",         "cargo_check", "cargo_build", "cargo_test",
                   "cargo_clippy", "clippy_fix",  "rustfmt"};

}  // namespace

// ---- tolerances ----

TEST_CASE("CRLF line ends") {
  Parsed p = parse_fixture("good/crlf.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->name == "crlf");
  CHECK(p.def->description == "Written on Windows");
  CHECK(p.def->mode == AgentMode::kSubagent);
  CHECK(p.def->prompt == "First line.\nSecond line.");
}

TEST_CASE("lone CR line ends") {
  Parsed p = parse_fixture("good/lone_cr.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->name == "lone-cr");
  CHECK(p.def->model == "haiku");
  CHECK(p.def->prompt == "Only CR here.\nSecond line.");
}

TEST_CASE("a UTF-8 byte-order mark") {
  Parsed p = parse_fixture("good/bom.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->name == "bom");
  CHECK(p.def->prompt == "Prompt after a BOM.");
}

TEST_CASE("trailing spaces after fences and values") {
  Parsed p = parse_fixture("good/trailing_spaces.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->name == "trailing");
  CHECK(p.def->description == "Spaces after values and fences");
  CHECK(p.def->mode == AgentMode::kPrimary);
  CHECK(p.def->prompt == "Body.");
}

TEST_CASE("no final newline") {
  Parsed p = parse_fixture("good/no_final_newline.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->prompt == "The prompt ends here.");
}

TEST_CASE("a --- thematic break in the body stays in the prompt") {
  Parsed p = parse_fixture("good/thematic_break.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->prompt == "Part one.\n\n---\n\nPart two.");
}

TEST_CASE("an unquoted ': ' in the description is recovered, with a warning at file:line") {
  Parsed p = parse_fixture("good/colon_description.md");
  REQUIRE(p.def);
  CHECK(p.def->description == "Use when the user needs help. Triggers on: 'review', 'audit'.");
  CHECK(p.def->tools == Names{"read_file", "grep"});
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].file == p.file);
  CHECK(warnings[0].line == 3);
  CHECK(warnings[0].column == 55);
  CHECK(warnings[0].message.find("unquoted ': ' in the value of 'description'") == 0);
}

TEST_CASE("double-encoded UTF-8 is repaired, with a warning") {
  Parsed p = parse_fixture("good/mojibake.md");
  REQUIRE(p.def);
  CHECK(p.def->description == "Simple when it doesn’t matter");
  CHECK(p.def->prompt == "It doesn’t hurt — “quotes” stay.");
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].line == 3);
  CHECK(warnings[0].column == 34);
  CHECK(warnings[0].message ==
        "repaired 2 double-encoded UTF-8 sequences such as 'â€™' -> '’' (save the file as UTF-8 "
        "to fix it for good)");
}

// ---- tools in every form ----

TEST_CASE("a comma-separated tools string becomes one normalised list") {
  Parsed p = parse_fixture("good/tools_string.md");
  REQUIRE(p.def);
  Names expected{"read_file", "write_file", "edit_file", "glob", "grep", "list_files"};
  expected.insert(expected.end(), kShell.begin(), kShell.end());
  expected.insert(expected.end(), {"task", "WebSearch", "mcp__github__create_issue"});
  CHECK(p.def->tools == expected);
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].line == 4);
  CHECK(warnings[0].column == 8);
  // An MCP tool is not unknown: it is reached when its server is configured.
  CHECK(warnings[0].message ==
        "unknown tool 'WebSearch': agentry has no such tool (kept in the list)");
  // Claude Code's `Bash` is agentry's `bash`, with the toolchain tools.
  auto infos = p.of(Severity::kInfo);
  REQUIRE(infos.size() == 1);
  CHECK(infos[0].message.find("tool 'Bash' maps to bash and the toolchain tools") == 0);
  CHECK(p.of(Severity::kError).empty());
}

TEST_CASE("a YAML list of opencode names") {
  Parsed p = parse_fixture("good/tools_list.md");
  REQUIRE(p.def);
  Names expected{"read_file", "edit_file"};
  expected.insert(expected.end(), kShell.begin(), kShell.end());
  expected.push_back("TodoWrite");
  CHECK(p.def->tools == expected);
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].line == 9);
  CHECK(warnings[0].column == 5);
}

TEST_CASE("an opencode map of name -> bool disables on top of the defaults") {
  Parsed p = parse_fixture("good/tools_map.md");
  REQUIRE(p.def);
  CHECK_FALSE(p.def->tools.has_value());
  Names disabled{"write_file"};
  disabled.insert(disabled.end(), kShell.begin(), kShell.end());
  disabled.push_back("mcp_*");
  CHECK(p.def->disabled_tools == disabled);
  CHECK(p.def->enabled_tools == Names{"read_file", "mcp_github"});
  CHECK(p.def->name == "tools_map");
  CHECK(p.of(Severity::kError).empty());
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message.find("unknown tool 'mcp_github'") == 0);
}

TEST_CASE("tools: [] means no tools at all") {
  Parsed p = parse_fixture("good/tools_empty.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  REQUIRE(p.def->tools.has_value());
  CHECK(p.def->tools->empty());
}

TEST_CASE("no tools key means the default tools") {
  Parsed p = parse_text("---\ndescription: d\n---\nbody\n");
  REQUIRE(p.def);
  CHECK_FALSE(p.def->tools.has_value());
  CHECK(p.def->name == "from-path");
}

// ---- other keys ----

TEST_CASE("a block-scalar description") {
  Parsed p = parse_fixture("good/block_description.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->description == "Folded over two lines.");
  CHECK(p.def->model == "inherit");
}

TEST_CASE("unknown keys are kept in extra and reported as warnings") {
  Parsed p = parse_fixture("good/unknown_keys.md");
  REQUIRE(p.def);
  CHECK(p.def->extra == nlohmann::json::parse(R"({"emoji": "🦀", "vibe": "calm", "author": "Jane",
      "tags": ["rust", "review"], "permissions": {"bash": "ask"}})"));
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 5);
  CHECK(warnings[0].line == 4);
  CHECK(warnings[0].message == "unknown key 'emoji': kept, but agentry does not use it");
  CHECK(warnings[4].line == 8);
  CHECK(warnings[4].message == "unknown key 'permissions': kept, but agentry does not use it");
  CHECK(p.def->permission.is_null());
}

TEST_CASE("an unknown model alias is a warning, ids and provider/model are not") {
  Parsed p = parse_fixture("good/models.md");
  REQUIRE(p.def);
  CHECK(p.def->model == "fable");
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].line == 4);
  CHECK(warnings[0].column == 8);
  CHECK(warnings[0].message.find("unknown model alias 'fable'") == 0);

  Parsed id = parse_fixture("good/max_steps.md");
  REQUIRE(id.def);
  CHECK(id.diagnostics.empty());
  CHECK(id.def->model == "claude-opus-4-1-20250805");
  CHECK(id.def->max_steps == 7);
}

TEST_CASE("every opencode key") {
  Parsed p = parse_fixture("good/opencode_full.md");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->name == "opencode_full");
  CHECK(p.def->mode == AgentMode::kPrimary);
  CHECK(p.def->model == "anthropic/claude-sonnet-4-5");
  CHECK(p.def->temperature == doctest::Approx(0.3));
  CHECK(p.def->max_steps == 25);
  CHECK(p.def->permission ==
        nlohmann::json::parse(R"({"edit": "ask", "bash": {"cargo *": "allow", "*": "deny"}})"));
  CHECK(p.def->color == "#FF5733");
  CHECK(p.def->hidden);
  CHECK_FALSE(p.def->disabled);
  CHECK(p.def->scope == "test");
  CHECK(p.def->source == p.file);
}

TEST_CASE("max_steps and steps spellings") {
  Parsed a = parse_text("---\ndescription: d\nmax_steps: 3\n---\nb\n");
  REQUIRE(a.def);
  CHECK(a.def->max_steps == 3);
  Parsed b = parse_text("---\ndescription: d\nsteps: 0\n---\nb\n");
  CHECK_FALSE(b.def);
  REQUIRE(b.of(Severity::kError).size() == 1);
  CHECK(b.of(Severity::kError)[0].line == 3);
}

TEST_CASE("instructions: false leaves the project instructions out, and is no unknown key") {
  Parsed off = parse_text("---\ndescription: d\ninstructions: false\n---\nb\n");
  REQUIRE(off.def);
  CHECK_FALSE(off.def->instructions);
  CHECK(off.diagnostics.empty());
  Parsed unset = parse_text("---\ndescription: d\n---\nb\n");
  REQUIRE(unset.def);
  CHECK(unset.def->instructions);
  Parsed bad = parse_text("---\ndescription: d\ninstructions: none\n---\nb\n");
  CHECK_FALSE(bad.def);
  REQUIRE(bad.of(Severity::kError).size() == 1);
  CHECK(bad.of(Severity::kError)[0].line == 3);
}

TEST_CASE("check_after_edit: on, off, true, false, and unset means the config decides") {
  for (auto [text, on] : {std::pair{"on", true}, std::pair{"off", false}, std::pair{"true", true},
                          std::pair{"false", false}}) {
    Parsed p = parse_text(fmt::format("---\ndescription: d\ncheck_after_edit: {}\n---\nb\n", text));
    REQUIRE(p.def);
    CHECK(p.def->check_after_edit == on);
    CHECK(p.diagnostics.empty());
  }
  Parsed unset = parse_text("---\ndescription: d\n---\nb\n");
  REQUIRE(unset.def);
  CHECK_FALSE(unset.def->check_after_edit.has_value());
  Parsed bad = parse_text("---\ndescription: d\ncheck_after_edit: sometimes\n---\nb\n");
  CHECK_FALSE(bad.def);
  REQUIRE(bad.of(Severity::kError).size() == 1);
  CHECK(bad.of(Severity::kError)[0].message ==
        "'check_after_edit' must be on or off, not 'sometimes'");
  CHECK(bad.of(Severity::kError)[0].line == 3);
}

TEST_CASE("missing description and empty prompt are warnings, not errors") {
  Parsed p = parse_text("---\nname: bare\n---\n");
  REQUIRE(p.def);
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].message.find("no description") == 0);
  CHECK(warnings[1].message.find("empty prompt") == 0);
}

TEST_CASE("a duplicate key keeps the first value and warns") {
  Parsed p = parse_text("---\nname: first\ndescription: d\nname: second\n---\nb\n");
  REQUIRE(p.def);
  CHECK(p.def->name == "first");
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].line == 4);
  CHECK(warnings[0].message == "duplicate key 'name' (first on line 2): this one is ignored");
}

// ---- errors: each asserts the file:line:col it reports ----

TEST_CASE("error: empty file") {
  Diagnostic e = only_error(parse_fixture("bad/empty.md"));
  CHECK(e.line == 1);
  CHECK(e.column == 1);
  CHECK(e.message.find("empty file") == 0);
}

TEST_CASE("error: no front-matter") {
  Diagnostic e = only_error(parse_fixture("bad/no_front_matter.md"));
  CHECK(e.line == 1);
  CHECK(e.column == 1);
  CHECK(e.message == "no front-matter: the file must start with a '---' line");

  Diagnostic late = only_error(parse_fixture("bad/late_fence.md"));
  CHECK(late.line == 1);
  CHECK(late.message.find("found '---' on line 2") != std::string::npos);
}

TEST_CASE("error: unterminated block") {
  Diagnostic e = only_error(parse_fixture("bad/unterminated.md"));
  CHECK(e.line == 1);
  CHECK(e.column == 1);
  CHECK(e.message == "unterminated front-matter: no closing '---' line after line 1");
}

TEST_CASE("error: indented fence") {
  Diagnostic closing = only_error(parse_fixture("bad/indented_fence.md"));
  CHECK(closing.line == 4);
  CHECK(closing.column == 3);
  CHECK(closing.message == "indented fence: the closing '---' must start at column 1");
  Diagnostic opening = only_error(parse_fixture("bad/indented_open.md"));
  CHECK(opening.line == 1);
  CHECK(opening.column == 3);
  CHECK(opening.message == "indented fence: the opening '---' must start at column 1");
}

TEST_CASE("error: non-string description") {
  Diagnostic number = only_error(parse_fixture("bad/description_number.md"));
  CHECK(number.line == 3);
  CHECK(number.column == 14);
  CHECK(number.message == "'description' must be a string, not a number (quote it)");
  Diagnostic list = only_error(parse_fixture("bad/description_list.md"));
  CHECK(list.line == 4);
  CHECK(list.column == 3);
  CHECK(list.message == "'description' must be a string, not a list");
}

TEST_CASE("error: unknown mode") {
  Diagnostic e = only_error(parse_fixture("bad/unknown_mode.md"));
  CHECK(e.line == 4);
  CHECK(e.column == 7);
  CHECK(e.message == "unknown mode 'main': use primary, subagent or all");
}

TEST_CASE("error positions survive CRLF and a BOM") {
  Diagnostic e = only_error(parse_fixture("bad/unknown_mode_crlf_bom.md"));
  CHECK(e.line == 5);
  CHECK(e.column == 9);
  CHECK(e.message == "unknown mode 'helper': use primary, subagent or all");
}

TEST_CASE("error: temperature outside 0-2") {
  Diagnostic high = only_error(parse_fixture("bad/temperature_high.md"));
  CHECK(high.line == 4);
  CHECK(high.column == 14);
  CHECK(high.message == "temperature 2.5 is outside 0–2");
  Diagnostic low = only_error(parse_fixture("bad/temperature_negative.md"));
  CHECK(low.line == 5);
  CHECK(low.column == 14);
  CHECK(low.message == "temperature -0.1 is outside 0–2");
}

TEST_CASE("error: invalid YAML") {
  Diagnostic e = only_error(parse_fixture("bad/invalid_yaml.md"));
  CHECK(e.line == 5);
  CHECK(e.column == 1);
  CHECK(e.message == "invalid YAML in front-matter: end of sequence flow not found");
}

TEST_CASE("errors are not hidden by warnings, and every error is reported") {
  Parsed p = parse_text("---\ndescription: d\nmode: boss\ntemperature: hot\nemoji: x\n---\nb\n");
  CHECK_FALSE(p.def);
  auto errors = p.of(Severity::kError);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].line == 3);
  CHECK(errors[1].line == 4);
  CHECK(errors[1].message == "temperature must be a number between 0 and 2, not 'hot'");
  CHECK(p.of(Severity::kWarning).size() == 1);
}

TEST_CASE("hidden and disable must be booleans") {
  Parsed p = parse_text("---\ndescription: d\nhidden: yes\n---\nb\n");
  CHECK_FALSE(p.def);
  REQUIRE(p.of(Severity::kError).size() == 1);
  CHECK(p.of(Severity::kError)[0].message == "'hidden' must be true or false, not 'yes'");
}

}  // namespace agentry::agents

// ---- hostile front-matter ----

namespace agentry::agents {

TEST_CASE("an alias bomb in the front-matter is an error at its file:line, not an exhausted heap") {
  auto parsed = parse_text("---\ndescription: d\n" + testing::yaml_bomb() + "---\nPrompt.\n");
  Diagnostic error = only_error(parsed);
  CHECK(error.line == 10);  // the front-matter's line 8 (l7), after the fence and description
  CHECK(error.message.find("once aliases are expanded") != std::string::npos);
}

TEST_CASE("100k keys just under 1 MiB parse in linear time, duplicates still found") {
  // Both readers: the line parser (plain values) and yaml-cpp (a quoted value with an escape).
  for (std::string_view value : {"v", "\"\\t\""}) {
    CAPTURE(value);
    std::string text = "---\ndescription: d\n";
    for (int i = 0; i < 100'000; ++i)
      text += fmt::format("k{:05}: {}\n", i, value);
    text += "k00000: again\ntools: {";
    for (int i = 0; i < 20'000; ++i)
      text += fmt::format("t{}: true, ", i);
    text += "Read: true}\n---\nPrompt.\n";
    auto start = std::chrono::steady_clock::now();
    auto parsed = parse_text(text);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(parsed.def.has_value());
    CHECK(parsed.def->extra.size() == 100'000);
    CHECK(parsed.def->enabled_tools.size() == 20'001);
    auto warnings = parsed.of(Severity::kWarning);
    CHECK(std::count_if(warnings.begin(), warnings.end(), [](const Diagnostic& d) {
            return d.message == "duplicate key 'k00000' (first on line 3): this one is ignored";
          }) == 1);
    // One warning names the unknown tools: the first ten and a count, not 20,000 names.
    CHECK(std::count_if(warnings.begin(), warnings.end(), [](const Diagnostic& d) {
            return d.message.find("and 19990 more: agentry has no such tool") != std::string::npos;
          }) == 1);
    // Quadratic, this took minutes (38 s in a release build); linear, well under a second.
    CHECK(seconds < 30);
  }
}

}  // namespace agentry::agents

namespace agentry::agents {

TEST_CASE("effort and thinking: Claude Code's levels and an explicit budget") {
  Parsed p =
      parse_text("---\ndescription: d\neffort: high\nthinking:\n  budget_tokens: 12000\n---\nb\n");
  REQUIRE(p.def);
  CHECK(p.diagnostics.empty());
  CHECK(p.def->effort == "high");
  CHECK(p.def->thinking_budget == 12000);
  for (const char* level : {"low", "medium", "high", "xhigh", "max"}) {
    Parsed l = parse_text(fmt::format("---\ndescription: d\neffort: {}\n---\nb\n", level));
    REQUIRE(l.def);
    CHECK(l.def->effort == level);
  }
  Parsed none = parse_text("---\ndescription: d\n---\nb\n");
  REQUIRE(none.def);
  CHECK(none.def->effort.empty());
  CHECK_FALSE(none.def->thinking_budget.has_value());
}

TEST_CASE("effort and thinking: bad values are warnings at their line, and ask for nothing") {
  Parsed p =
      parse_text("---\ndescription: d\neffort: extreme\nthinking: {budget_tokens: 100}\n---\nb\n");
  REQUIRE(p.def);
  auto warnings = p.of(Severity::kWarning);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].line == 3);
  CHECK(warnings[0].message ==
        "effort must be low, medium, high, xhigh or max, not 'extreme'; no effort is asked for");
  CHECK(warnings[1].line == 4);
  CHECK(warnings[1].message.starts_with("thinking must be {budget_tokens: N}"));
  CHECK(p.def->effort.empty());
  CHECK_FALSE(p.def->thinking_budget.has_value());
  Parsed odd = parse_text("---\ndescription: d\nthinking: {budget: 2000}\n---\nb\n");
  REQUIRE(odd.def);
  CHECK(odd.of(Severity::kWarning).size() == 2);  // the unknown key, and no budget
}

TEST_CASE("the shipped agents: rust-pro asks for effort medium, the orchestrator for none") {
  for (auto [name, effort] : std::initializer_list<std::pair<const char*, const char*>>{
           {"rust-pro", "medium"}, {"orchestrator", ""}}) {
    fs::path file = fs::path(AGENTRY_SOURCE_DIR) / "agents" / (std::string(name) + ".md");
    Diagnostics diagnostics;
    auto def = parse_agent(testing::read_file(file), file, name, "builtin", diagnostics);
    REQUIRE(def);
    CHECK(def->effort == effort);
  }
}

}  // namespace agentry::agents
