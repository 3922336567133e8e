#include "tools/cargo_diagnostics.hpp"

#include <doctest/doctest.h>

#include "support/fuzz_corpus.hpp"

namespace agentry::tools {

using nlohmann::json;

namespace {

json span(const std::string& file, int line, int col, int col_end, bool primary,
          const std::string& text, json label = nullptr, json replacement = nullptr,
          json applicability = nullptr) {
  return {{"file_name", file},
          {"line_start", line},
          {"line_end", line},
          {"column_start", col},
          {"column_end", col_end},
          {"byte_start", 0},
          {"byte_end", 0},
          {"is_primary", primary},
          {"label", label},
          {"suggested_replacement", replacement},
          {"suggestion_applicability", applicability},
          {"expansion", nullptr},
          {"text", {{{"text", text}, {"highlight_start", col}, {"highlight_end", col_end}}}}};
}

std::string message_line(const std::string& level, json code, const std::string& message,
                         json spans, json children = json::array()) {
  json msg = {{"$message_type", "diagnostic"},
              {"level", level},
              {"message", message},
              {"code", code},
              {"spans", spans},
              {"children", children},
              {"rendered", level + ": " + message + "\n --> somewhere\n"}};
  return json{{"reason", "compiler-message"}, {"message", msg}}.dump() + "\n";
}

json code(const std::string& c) {
  return {{"code", c}, {"explanation", "long text"}};
}

json child(const std::string& level, const std::string& message, json spans = json::array()) {
  return {{"level", level}, {"message", message},        {"code", nullptr},
          {"spans", spans}, {"children", json::array()}, {"rendered", nullptr}};
}

std::string sample() {
  std::string s = "not json at all\n";
  // A clippy warning with a machine-applicable two-span fix on one line (needless_return).
  s += message_line("warning", code("clippy::needless_return"), "unneeded `return` statement",
                    {span("src/lib.rs", 5, 5, 13, true, "    return p;")},
                    {child("help",
                           "for further information visit "
                           "https://rust-lang.github.io/rust-clippy/#needless_return"),
                     child("note", "`#[warn(clippy::needless_return)]` on by default"),
                     child("help", "remove `return`",
                           {span("src/lib.rs", 5, 5, 13, true, "    return p;", nullptr, "p",
                                 "MachineApplicable"),
                            span("src/lib.rs", 5, 13, 14, true, "    return p;", nullptr, "",
                                 "MachineApplicable")})});
  // The same warning again, as cargo reports it for a second target: a duplicate.
  s += message_line("warning", code("clippy::needless_return"), "unneeded `return` statement",
                    {span("src/lib.rs", 5, 5, 13, true, "    return p;")});
  // A borrow error with a secondary label and a help note.
  s += message_line(
      "error", code("E0382"), "borrow of moved value: `names`",
      {span("src/lib.rs", 4, 13, 18, true, "    first + names.len()",
            "value borrowed here after move"),
       span("src/lib.rs", 2, 17, 22, false, "    let moved = names;", "value moved here")},
      {child("help", "consider cloning the value if the performance cost is acceptable",
             {span("src/lib.rs", 2, 22, 22, true, "    let moved = names;", nullptr, ".clone()",
                   "MaybeIncorrect")})});
  // An ICE counts as an error; failure-notes and the summary line do not count.
  s += message_line("error: internal compiler error", nullptr, "unexpected panic", json::array());
  s += message_line("failure-note", nullptr,
                    "For more information about this error, try `rustc --explain E0382`.",
                    json::array());
  s += message_line("warning", nullptr, "2 warnings emitted", json::array());
  // A ptr_arg suggestion that is only Unspecified: no fix.
  s += message_line("warning", code("clippy::ptr_arg"), "writing `&Vec` instead of `&[_]`",
                    {span("src/a.rs", 3, 9, 18, true, "fn f(v: &Vec<i32>) {}")},
                    {child("help", "change this to",
                           {span("src/a.rs", 3, 9, 18, true, "fn f(v: &Vec<i32>) {}", nullptr,
                                 "&[i32]", "Unspecified")})});
  s += R"({"reason":"compiler-artifact","fresh":true})"
       "\n";
  s += R"({"reason":"build-finished","success":false})"
       "\n";
  return s;
}

}  // namespace

TEST_CASE("cargo's JSON becomes deduplicated diagnostics, errors first") {
  auto report = parse_cargo_messages(sample());
  REQUIRE(report.diagnostics.size() == 4);
  CHECK(report.build_success == false);
  CHECK(report.duplicates == 1);
  CHECK(report.errors() == 2);
  CHECK(report.warnings() == 2);
  CHECK(report.fixable() == 1);

  const auto& ice = report.diagnostics[0];
  CHECK(ice.level == "error");
  CHECK(ice.message == "unexpected panic");
  CHECK(ice.file.empty());

  const auto& borrow = report.diagnostics[1];
  CHECK(borrow.code == "E0382");
  CHECK(borrow.file == "src/lib.rs");
  CHECK(borrow.line == 4);
  CHECK(borrow.column == 13);
  CHECK(borrow.label == "value borrowed here after move");
  REQUIRE(borrow.related.size() == 1);
  CHECK(borrow.related[0].line == 2);
  CHECK(borrow.related[0].label == "value moved here");
  // A suggestion that is only MaybeIncorrect is kept, with the line as it would read.
  CHECK(borrow.notes.empty());
  REQUIRE(borrow.suggestions.size() == 1);
  CHECK(borrow.suggestions[0].applicability == "MaybeIncorrect");
  CHECK(borrow.suggestions[0].help_line() ==
        "consider cloning the value if the performance cost is acceptable (line 2): `let moved = "
        "names.clone();`");
  CHECK_FALSE(borrow.fix);

  const auto& ptr_arg = report.diagnostics[2];
  CHECK(ptr_arg.code == "clippy::ptr_arg");
  CHECK(ptr_arg.file == "src/a.rs");
  CHECK_FALSE(ptr_arg.fix);

  const auto& ret = report.diagnostics[3];
  CHECK(ret.code == "clippy::needless_return");
  CHECK(ret.line == 5);
  REQUIRE(ret.fix);
  CHECK(ret.fix->message == "remove `return`");
  CHECK(ret.fix->edits.size() == 2);
  CHECK(ret.fix->preview == "`return p;` -> `p`");
  CHECK(ret.notes.empty());
}

TEST_CASE("the compact rendering keeps every location and suggestion, without headers for one") {
  auto report = parse_cargo_messages(sample());
  CHECK(render_diagnostics(report, 10000) ==
        "(no location): error: unexpected panic\n"
        "src/lib.rs:4:13: error[E0382]: borrow of moved value: `names` (value borrowed here after "
        "move)\n"
        "  src/lib.rs:2:17 value moved here\n"
        "  help: consider cloning the value if the performance cost is acceptable (line 2): `let "
        "moved = names.clone();`\n"
        "src/a.rs:3: clippy::ptr_arg: writing `&Vec` instead of `&[_]`\n"
        "  help: `fn f(v: &[i32]) {}`\n"
        "src/lib.rs:5: clippy::needless_return: unneeded `return` statement\n"
        "  help: `p`\n");
}

TEST_CASE("a lint seen more than once has one header, and the help they share is said once") {
  std::string s;
  for (int line : {3, 9})
    s += message_line("warning", code("clippy::len_zero"), "length comparison to zero",
                      {span("src/lib.rs", line, 8, 20, true, "    if v.len() == 0 {")},
                      {child("help", "using `is_empty` is clearer",
                             {span("src/lib.rs", line, 8, 20, true, "    if v.len() == 0 {",
                                   nullptr, "v.is_empty()", "MachineApplicable")})});
  s += message_line("warning", code("clippy::len_zero"), "length comparison to zero",
                    {span("src/lib.rs", 12, 5, 17, true, "    v.len() == 0")});
  auto report = parse_cargo_messages(s);
  CHECK(render_diagnostics(report, 10000) ==
        "clippy::len_zero: length comparison to zero (3x)\n"
        "  src/lib.rs:3\n"
        "    help: `if v.is_empty() {`\n"
        "  src/lib.rs:9\n"
        "    help: `if v.is_empty() {`\n"
        "  src/lib.rs:12\n");
  report.diagnostics.pop_back();
  CHECK(render_diagnostics(report, 10000) ==
        "clippy::len_zero: length comparison to zero (2x); help:\n"
        "  src/lib.rs:3 `if v.is_empty() {`\n"
        "  src/lib.rs:9 `if v.is_empty() {`\n");
}

TEST_CASE("a suggestion's line is cut only at spaces, around the change, when it is long") {
  std::string line =
      "    let total = first_value_of_the_list + second_value_of_the_list + third.len() == 0;";
  int col = static_cast<int>(line.find("third")) + 1;
  auto report = parse_cargo_messages(
      message_line("warning", code("clippy::len_zero"), "length comparison to zero",
                   {span("src/lib.rs", 1, col, col + 16, true, line)},
                   {child("help", "use",
                          {span("src/lib.rs", 1, col, col + 16, true, line, nullptr,
                                "third.is_empty()", "MachineApplicable")})}));
  REQUIRE(report.diagnostics[0].suggestions.size() == 1);
  CHECK(report.diagnostics[0].suggestions[0].help_line() ==
        "`... second_value_of_the_list + third.is_empty();`");
}

TEST_CASE("an inserted semicolon shows the statement it ends, not an empty span") {
  auto report = parse_cargo_messages(
      message_line("warning", code("clippy::semicolon_if_nothing_returned"),
                   "consider adding a `;` to the last statement for consistent formatting",
                   {span("src/lib.rs", 4, 5, 18, true, "    v.push(x + 1)")},
                   {child("help", "add a `;` here",
                          {span("src/lib.rs", 4, 18, 18, true, "    v.push(x + 1)", nullptr, ";",
                                "MachineApplicable")})}));
  CHECK(render_diagnostics(report, 10000) ==
        "src/lib.rs:4: clippy::semicolon_if_nothing_returned: consider adding a `;` to the last "
        "statement for consistent formatting\n"
        "  help: `v.push(x + 1);`\n");
}

TEST_CASE("edits in many places are spelled out up to 4, the rest counted") {
  json spans = json::array();
  for (int line = 1; line <= 6; ++line)
    spans.push_back(span("src/lib.rs", line * 10, 5, 11, true, "    self.x", nullptr, "self.y",
                         "MaybeIncorrect"));
  auto report =
      parse_cargo_messages(message_line("warning", code("renamed"), "a field was renamed",
                                        {span("src/lib.rs", 10, 5, 9, true, "    self.x")},
                                        {child("help", "use the new name", spans)}));
  CHECK(render_diagnostics(report, 10000) ==
        "src/lib.rs:10: renamed: a field was renamed\n"
        "  help: use the new name (6 edits)\n"
        "    line 10: `self.y`\n"
        "    line 20: `self.y`\n"
        "    line 30: `self.y`\n"
        "    line 40: `self.y`\n"
        "    ... and 2 more edits\n");
}

TEST_CASE("a group whose fixes are all diffs says the help once, each diff under its line") {
  std::string s;
  for (int line : {4, 9}) {
    json insert = span("src/lib.rs", line, 1, 1, true, "pub fn f() -> u32 {", nullptr,
                       "#[must_use]\n", "MachineApplicable");
    s += message_line("warning", code("clippy::must_use_candidate"),
                      "this function could have a `#[must_use]` attribute",
                      {span("src/lib.rs", line, 8, 9, true, "pub fn f() -> u32 {")},
                      {child("help", "add the attribute", {insert})});
  }
  CHECK(render_diagnostics(parse_cargo_messages(s), 10000) ==
        "clippy::must_use_candidate: this function could have a `#[must_use]` attribute (2x); "
        "help: add the attribute:\n"
        "  src/lib.rs:4\n"
        "    + #[must_use]\n"
        "      pub fn f() -> u32 {\n"
        "  src/lib.rs:9\n"
        "    + #[must_use]\n"
        "      pub fn f() -> u32 {\n");
}

TEST_CASE("suggestion spans with impossible lines fall back to the replacement, no crash") {
  for (auto [start, end] : {std::pair{2147483647, 2147483647}, std::pair{-5, 3}, std::pair{9, 2},
                            std::pair{1, 2147483647}}) {
    json edit = span("src/lib.rs", start, 1, 3, true, "ab", nullptr, "x", "MachineApplicable");
    edit["line_end"] = end;
    edit["text"].push_back({{"text", "cd"}, {"highlight_start", 1}, {"highlight_end", 1}});
    auto report = parse_cargo_messages(message_line("warning", code("w"), "m",
                                                    {span("src/lib.rs", 1, 1, 2, true, "ab")},
                                                    {child("help", "h", {edit})}));
    REQUIRE(report.diagnostics.size() == 1);
    CHECK(report.diagnostics[0].suggestions[0].help_line() == "h: `x`");
  }
}

TEST_CASE("what does not fit the budget is counted, not dropped silently") {
  auto report = parse_cargo_messages(sample());
  CHECK(render_diagnostics(report, 150) ==
        "(no location): error: unexpected panic\n"
        "[... 3 more not shown: 1 errors, 2 warnings; fix the ones above and run again]\n");
}

TEST_CASE("paths go through the mapper and details keep everything") {
  auto report = parse_cargo_messages(sample(), [](const std::string& f) { return "crate/" + f; });
  CHECK(report.diagnostics[1].file == "crate/src/lib.rs");
  CHECK(report.diagnostics[1].related[0].file == "crate/src/lib.rs");
  auto j = to_json(report.diagnostics[3]);
  CHECK(j["fix"]["edits"][0]["replacement"] == "p");
  CHECK(j["fix"]["edits"][0]["file"] == "crate/src/lib.rs");
  CHECK(j["code"] == "clippy::needless_return");
  CHECK(j["suggestions"][0]["applicability"] == "MachineApplicable");
  CHECK(j["suggestions"][0]["shown"] == json::array({"help: `p`"}));
}

TEST_CASE("rendered_text joins cargo's own rendering") {
  CHECK(rendered_text(sample()).starts_with(
      "warning: unneeded `return` statement\n --> somewhere\n"));
}

}  // namespace agentry::tools

namespace agentry::tools {

// Lines come from whatever cargo runs (a rustc wrapper in the crate's .cargo/config.toml can
// print anything cargo then forwards): json::value() threw on a `success` or `is_primary` that
// is not a boolean and on a span that is not an object.
TEST_CASE("cargo messages: fields of the wrong type are ignored, not thrown") {
  std::string success = agentry::testing::fuzz_input("cargo_diagnostics", "crash-success-not-bool");
  CargoReport report;
  REQUIRE_NOTHROW(report = parse_cargo_messages(success));
  CHECK(report.build_success == false);

  std::string spans = agentry::testing::fuzz_input("cargo_diagnostics", "crash-span-not-object");
  REQUIRE_NOTHROW(report = parse_cargo_messages(spans));
  REQUIRE(report.diagnostics.size() == 1);
  CHECK(report.diagnostics[0].message == "m");
  CHECK(report.diagnostics[0].file.empty());  // "true" as a string is not a primary span
}

}  // namespace agentry::tools
