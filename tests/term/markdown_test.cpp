#include "term/markdown.hpp"

#include <doctest/doctest.h>

#include "term/display_width.hpp"
#include "term/rust_highlight.hpp"

namespace agentry::term {

namespace {

std::vector<std::string> render_all(MarkdownRenderer& r, std::vector<std::string_view> lines) {
  std::vector<std::string> out;
  for (auto line : lines) {
    auto rows = r.render_line(line);
    out.insert(out.end(), rows.begin(), rows.end());
  }
  auto rest = r.finish();
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace

TEST_CASE("plain markdown stays as written except code frames and rules") {
  MarkdownRenderer r({false, 30});
  auto rows = render_all(r, {"# Title", "Some **bold** and `code`.", "- item", "```rust",
                             "fn main() {}", "```", "---", "after"});
  std::vector<std::string> expected = {"# Title",
                                       "Some **bold** and `code`.",
                                       "- item",
                                       "╭─ rust ─────────────────────",
                                       "│ fn main() {}",
                                       "╰────────────────────────────",
                                       "─────────────────────────────",
                                       "after"};
  CHECK(rows == expected);
  CHECK(display_width(rows[3]) == 29);
  CHECK(display_width(rows[5]) == 29);
}

TEST_CASE("headings, emphasis, code spans and links are styled with colour") {
  MarkdownRenderer r({true, 80});
  CHECK(r.render_line("# Top") == std::vector<std::string>{"\x1b[1;4mTop\x1b[0m"});
  CHECK(r.render_line("## Next ##") == std::vector<std::string>{"\x1b[1;36mNext\x1b[0m"});
  CHECK(r.render_line("a **b** c") == std::vector<std::string>{"a \x1b[1mb\x1b[22m c"});
  CHECK(r.render_line("an *it* word") == std::vector<std::string>{"an \x1b[3mit\x1b[23m word"});
  CHECK(r.render_line("use `Vec<T>` here") ==
        std::vector<std::string>{"use \x1b[36mVec<T>\x1b[39m here"});
  CHECK(r.render_line("[docs](https://x.y)") ==
        std::vector<std::string>{"\x1b[4mdocs\x1b[24m\x1b[2m (https://x.y)\x1b[22m"});
  CHECK(r.render_line("~~gone~~") == std::vector<std::string>{"\x1b[9mgone\x1b[29m"});
}

TEST_CASE("snake_case and lone stars are not emphasis") {
  MarkdownRenderer r({true, 80});
  CHECK(r.render_line("call my_fn_name now") == std::vector<std::string>{"call my_fn_name now"});
  CHECK(r.render_line("2 * 3 * 4") == std::vector<std::string>{"2 * 3 * 4"});
  CHECK(r.render_line("a \\*literal\\* star") == std::vector<std::string>{"a *literal* star"});
  CHECK(r.render_line("`unclosed code") == std::vector<std::string>{"`unclosed code"});
}

TEST_CASE("lists, numbered lists and quotes") {
  MarkdownRenderer r({true, 80});
  CHECK(r.render_line("- one") == std::vector<std::string>{"• one"});
  CHECK(r.render_line("  * nested **x**") ==
        std::vector<std::string>{"  • nested \x1b[1mx\x1b[22m"});
  CHECK(r.render_line("12. twelfth") == std::vector<std::string>{"12. twelfth"});
  CHECK(r.render_line("3) third") == std::vector<std::string>{"3. third"});
  CHECK(r.render_line("> quoted") == std::vector<std::string>{"\x1b[2m│\x1b[22m quoted"});
  CHECK(r.render_line("**bold start**") == std::vector<std::string>{"\x1b[1mbold start\x1b[22m"});
}

TEST_CASE("code blocks: no markdown inside, indented fences, longer fences, open at the end") {
  MarkdownRenderer r({false, 12});
  auto rows = render_all(r, {"  ```", "  # not a heading", "  **x**", "  ```", "````", "```",
                             "````", "~~~python", "print(1)"});
  std::vector<std::string> expected = {
      "  ╭──────────", "  │ # not a heading", "  │ **x**",   "  ╰──────────", "╭──────────",
      "│ ```",         "╰──────────",         "╭─ python ─", "│ print(1)",    "╰──────────"};
  CHECK(rows == expected);
  CHECK_FALSE(r.in_code_block());
}

TEST_CASE("frames fit narrow terminals and are at most 80 columns wide") {
  MarkdownRenderer narrow({false, 6});
  auto top = narrow.render_line("```");
  REQUIRE(top.size() == 1);
  CHECK(display_width(top[0]) == 5);
  MarkdownRenderer wide({false, 200});
  CHECK(display_width(wide.render_line("```")[0]) == 79);
  wide.set_width(40);
  CHECK(display_width(wide.render_line("```")[0]) == 39);
}

TEST_CASE("Rust code is highlighted only with colour") {
  MarkdownRenderer r({true, 40});
  r.render_line("```rust");
  auto row = r.render_line("let x = \"hi\"; // note");
  REQUIRE(row.size() == 1);
  CHECK(row[0] ==
        "\x1b[2m│\x1b[22m \x1b[35mlet\x1b[0m x = \x1b[32m\"hi\"\x1b[0m; \x1b[90m// note\x1b[0m");
  CHECK(without_sgr(row[0]) == "│ let x = \"hi\"; // note");
}

TEST_CASE("RustHighlighter: block comments and strings across lines, lifetimes, macros") {
  RustHighlighter h;
  CHECK(without_sgr(h.line("/* open")) == "/* open");
  CHECK(h.line("still */ fn") == "\x1b[90mstill */\x1b[0m \x1b[35mfn\x1b[0m");
  CHECK(h.line("fn f<'a>(x: &'a str)") ==
        "\x1b[35mfn\x1b[0m f<\x1b[35m'a\x1b[0m>(x: &\x1b[35m'a\x1b[0m str)");
  CHECK(h.line("println!(\"{}\", 'c', 42)") ==
        "\x1b[34mprintln!\x1b[0m(\x1b[32m\"{}\"\x1b[0m, \x1b[32m'c'\x1b[0m, \x1b[33m42\x1b[0m)");
  CHECK(h.line("Option<String>") == "\x1b[36mOption\x1b[0m<\x1b[36mString\x1b[0m>");
  CHECK(h.line("let s = \"multi") == "\x1b[35mlet\x1b[0m s = \x1b[32m\"multi\x1b[0m");
  CHECK(h.line("line\" + 1") == "\x1b[32mline\"\x1b[0m + \x1b[33m1\x1b[0m");
  CHECK(h.line("0..10") == "\x1b[33m0\x1b[0m..\x1b[33m10\x1b[0m");
}

TEST_CASE("tabs expand to four-column stops") {
  CHECK(expand_tabs("\tx") == "    x");
  CHECK(expand_tabs("ab\tc") == "ab  c");
  CHECK(expand_tabs("é\t|") == "é   |");
}

}  // namespace agentry::term
