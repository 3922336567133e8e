#include "agents/yaml_reader.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "agents/front_matter.hpp"
#include "agents/text_cleanup.hpp"
#include "support/temp_dir.hpp"

namespace agentry::agents {

namespace fs = std::filesystem;

namespace {

/// The cheap path must read exactly what yaml-cpp reads, positions included.
void check_agrees(std::string_view yaml) {
  CAPTURE(yaml);
  auto simple = parse_simple_yaml(yaml, 2);
  REQUIRE(simple.has_value());
  auto strict = parse_yaml_strict(yaml, 2, "x.md");
  REQUIRE(strict.has_value());
  CHECK(*simple == *strict);
}

}  // namespace

TEST_CASE("the cheap path reads flat key: value blocks exactly as yaml-cpp does") {
  check_agrees("name: rust-pro\ndescription: Master Rust. Use PROACTIVELY for it.\n");
  check_agrees("name: a\n\n# a comment\nmodel: sonnet   \ntools: Read, Grep, Bash\n");
  check_agrees("description: C# and F# don't need quotes; neither do 100% or a-b\n");
  check_agrees("description: brackets [x] {y} and, commas, are fine mid-value\n");
  check_agrees("temperature: 0.2\nsteps: 12\nhidden: true\nempty:\nnothing: ~\n");
  check_agrees("description: url http://example.com:8080/x and key:value\n");
  check_agrees("description: ünïcödé “quotes” — dashes\n");
  check_agrees("description: tab\tinside\n");
  check_agrees("description: \"double: quoted, with 'single' inside # not a comment\"\n");
  check_agrees("description: 'single: quoted \"double\" inside'  \nname: \"\"\n");
}

TEST_CASE("the cheap path hands anything subtle to yaml-cpp") {
  for (std::string_view yaml : {
           "description: 'it''s quoted'\n",
           "description: \"escaped \\\" quote\"\n",
           "description: \"quoted\" # and a comment\n",
           "description: >\n  folded\n",
           "tools:\n  - Read\n",
           "tools: []\n",
           "description: text # a comment\n",
           "description: Triggers on: x\n",
           "description: ends with a colon:\n",
           "description: first\n  continued\n",
           "  indented: key\n",
           "\"quoted key\": x\n",
           "description: &anchor x\n",
           "description: !!str 42\n",
           "key:value\n",
           "key:\tvalue\n",
           "description: line\xE2\x80\xA8separator\n",
           "- a list\n",
       }) {
    CAPTURE(yaml);
    CHECK_FALSE(parse_simple_yaml(yaml, 2).has_value());
  }
}

TEST_CASE("with recovery allowed, the cheap path reads an unquoted ': ' as the slow path does") {
  for (std::string_view yaml : {
           "name: x\ndescription: Use it. Triggers on: 'a', \"b\" \\ c\ntools: Read\n",
           "description: ends with a colon:\n",
           "a: one: two\nb: three: four\n",
       }) {
    CAPTURE(yaml);
    std::vector<RecoveredValue> fast_recovered;
    auto fast = parse_simple_yaml(yaml, 2, &fast_recovered);
    REQUIRE(fast.has_value());
    std::vector<RecoveredValue> slow_recovered;
    auto slow = parse_yaml_recovering(yaml, 2, "x.md", slow_recovered);
    REQUIRE(slow.has_value());
    CHECK(*fast == *slow);
    CHECK(fast_recovered == slow_recovered);
    CHECK_FALSE(fast_recovered.empty());
  }
  CHECK_FALSE(parse_simple_yaml("description: a:\tb\n", 2, nullptr).has_value());
}

TEST_CASE("positions are file positions: the block starts on line 2") {
  Diagnostics warnings;
  auto value = read_front_matter_yaml("name: a\nmode: subagent\n", 2, "x.md", warnings);
  REQUIRE(value);
  REQUIRE(value->entries.size() == 2);
  CHECK(value->entries[1].first.line == 3);
  CHECK(value->entries[1].first.column == 1);
  CHECK(value->entries[1].second.line == 3);
  CHECK(value->entries[1].second.column == 7);
  CHECK(warnings.empty());
}

TEST_CASE("an unquoted ': ' in a value is recovered as text, with a warning at its position") {
  Diagnostics warnings;
  auto value = read_front_matter_yaml(
      "name: x\ndescription: Use it. Triggers on: 'a', \"b\" \\ c\ntools: Read\n", 2, "x.md",
      warnings);
  REQUIRE(value);
  REQUIRE(value->entries.size() == 3);
  CHECK(value->entries[1].second.text == "Use it. Triggers on: 'a', \"b\" \\ c");
  CHECK_FALSE(value->entries[1].second.plain);
  CHECK(value->entries[2].second.text == "Read");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].severity == Severity::kWarning);
  CHECK(warnings[0].line == 3);
  CHECK(warnings[0].column == 33);
}

TEST_CASE("invalid YAML that recovery cannot fix is an error at yaml-cpp's position") {
  Diagnostics warnings;
  auto value = read_front_matter_yaml("name: x\ntools: [Read\nmodel: a: b\n", 2, "x.md", warnings);
  REQUIRE_FALSE(value);
  CHECK(value.error().file == "x.md");
  CHECK(value.error().message.rfind("invalid YAML in front-matter: ", 0) == 0);
  CHECK(value.error().line >= 3);
  CHECK(warnings.empty());
}

TEST_CASE("front-matter nested past yaml-cpp's limit says so") {
  auto value = parse_yaml_strict("tools: " + std::string(5000, '[') + std::string(5000, ']') + "\n",
                                 2, "x.md");
  REQUIRE_FALSE(value);
  CHECK(value.error().message ==
        "invalid YAML in front-matter: nested deeper than 2000 levels, the most YAML here may be "
        "(flatten it)");
}

TEST_CASE("yaml-cpp's error mark becomes a file line") {
  auto value = parse_yaml_strict("name: x\ndescription: a: b\n", 2, "x.md");
  REQUIRE_FALSE(value);
  CHECK(value.error().line == 3);
  CHECK(value.error().column == 15);
  CHECK(value.error().message == "invalid YAML in front-matter: illegal map value");
}

TEST_CASE("a block that is not a mapping is an error") {
  Diagnostics warnings;
  auto value = read_front_matter_yaml("- a\n- b\n", 2, "x.md", warnings);
  REQUIRE_FALSE(value);
  CHECK(value.error().line == 2);
  CHECK(value.error().message == "front-matter must be a mapping of keys to values, not a list");
}

TEST_CASE("on every corpus file the cheap path agrees with yaml-cpp or steps aside") {
  if (testing::skip_without_shared("corpus/agents")) return;
  fs::path corpus = testing::shared_dir() / "corpus" / "agents";
  int simple_count = 0;
  int recovered_count = 0;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (entry.path().extension() != ".md") continue;
    ++files;
    std::string text = testing::read_file(entry.path());
    strip_bom(text);
    normalise_line_endings(text);
    auto fm = split_front_matter(text, entry.path());
    REQUIRE(fm);
    std::vector<RecoveredValue> fast_recovered;
    auto simple = parse_simple_yaml(fm->yaml, 2, &fast_recovered);
    if (!simple) continue;
    ++simple_count;
    std::vector<RecoveredValue> slow_recovered;
    auto slow = parse_yaml_recovering(fm->yaml, 2, entry.path(), slow_recovered);
    CAPTURE(entry.path());
    REQUIRE(slow);
    CHECK(*simple == *slow);
    CHECK(fast_recovered == slow_recovered);
    if (!fast_recovered.empty()) ++recovered_count;
  }
  CHECK(files == 372);
  CHECK(recovered_count == 8);
  // Most real front-matter is simple: that is what makes loading fast.
  CHECK(simple_count == 366);
}

}  // namespace agentry::agents
