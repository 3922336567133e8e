// The layering rules (layering_check.hpp) on made-up files, so that each is seen to fail, then on
// the real tree: src/ and src/CMakeLists.txt as they are in this checkout.
#include <algorithm>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "core/build_paths.hpp"
#include "layering/layering_check.hpp"
#include "support/temp_dir.hpp"

namespace agentry::layering {
namespace {

namespace fs = std::filesystem;

std::string listed(const std::vector<Violation>& found) {
  std::string text;
  for (const auto& v : found)
    text += v.to_string() + "\n";
  return text;
}

fs::path repository() {
  return fs::path(AGENTRY_SOURCE_DIR);
}

}  // namespace

TEST_CASE("layering: what each layer may include follows the links, transitively") {
  CHECK(allowed_includes("core") == std::set<std::string, std::less<>>{"core"});
  CHECK(allowed_includes("tools") == std::set<std::string, std::less<>>{"core", "tools"});
  CHECK(allowed_includes("engine") == std::set<std::string, std::less<>>{"agents", "core", "engine",
                                                                         "llm", "mcpclient",
                                                                         "store", "tools"});
  CHECK(allowed_includes("app") ==
        std::set<std::string, std::less<>>{"agents", "app", "core", "engine", "fakellm", "llm",
                                           "mcpclient", "store", "tools"});
  CHECK(allowed_includes("cli").size() == layers().size());
  CHECK(allowed_includes("nowhere").empty());
}

TEST_CASE("layering: comments and literals are blanked, lines keep their numbers") {
  const std::string code =
      "a // SessionStore::open(x)\n"
      "b /* ToolRegistry::load(\n"
      "  more */ c \"Sandbox::probe(\" d\n"
      "e R\"x(make_provider( )\" )x\" f '\"' g 1'000 h\n";
  auto blanked = blank_comments(code, false);
  CHECK(blanked.size() == code.size());
  CHECK(std::count(blanked.begin(), blanked.end(), '\n') == 4);
  for (const char* gone : {"SessionStore", "ToolRegistry", "more", "Sandbox", "make_provider"})
    CHECK_MESSAGE(blanked.find(gone) == std::string::npos, gone);
  for (const char* kept : {"a ", "b ", " c ", " d", "e R", " f ", " g 1'000 h"})
    CHECK_MESSAGE(blanked.find(kept) != std::string::npos, kept);
  auto with_strings = blank_comments(code, true);
  CHECK(with_strings.find("\"Sandbox::probe(\"") != std::string::npos);
  CHECK(with_strings.find("SessionStore") == std::string::npos);
}

TEST_CASE("layering: an include of a higher layer is named with file:line and the rule") {
  const std::string code =
      "#include \"engine/engine.hpp\"\n"
      "#include \"core/error.hpp\"\n"
      "// #include \"app/runtime.hpp\" in a comment does not count\n"
      "#include <vector>\n"
      "#include \"local.hpp\"\n"
      "  #  include \"app/runtime.hpp\"\n"
      "#include <cli/commands.hpp>\n";
  auto found = check_includes("src/tools/x.cpp", "tools", code);
  INFO(listed(found));
  REQUIRE(found.size() == 3);
  CHECK(found[0].to_string().starts_with(
      "src/tools/x.cpp:1: a lower layer includes a higher one: #include \"engine/engine.hpp\": "
      "src/tools does not link src/engine"));
  CHECK(found[1].line == 6);
  CHECK(found[2].line == 7);
  CHECK(found[2].detail.find("src/cli is the top: nothing includes it") != std::string::npos);
  CHECK(check_includes("src/engine/x.cpp", "engine", "#include \"tools/tool.hpp\"\n").empty());
  CHECK(check_includes("src/batch/x.cpp", "batch", "#include \"app/runtime.hpp\"\n").size() == 1);
  CHECK(check_includes("src/app/x.cpp", "app", "#include \"batch/task.hpp\"\n").size() == 1);
  CHECK(check_includes("src/cli/x.cpp", "cli", code).empty());
  auto unknown = check_includes("src/misc/x.cpp", "misc", "");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].detail.find("src/misc is no layer") != std::string::npos);
}

TEST_CASE("layering: a front-end that builds a provider, store, registry or sandbox is named") {
  struct Case {
    const char* code;
    const char* named;  ///< what the message says was built; "" for nothing
  };
  const Case cases[] = {
      {"auto db = store::SessionStore::open(path);", "a session store: SessionStore::open"},
      {"auto r = tools::ToolRegistry::load(dir, services);", "a tool registry: ToolRegistry::load"},
      {"auto r = tools::ToolRegistry::from_specs(std::move(s), x);", "ToolRegistry::from_specs"},
      {"tools::ToolRegistry registry(std::move(tools));", "a tool registry: ToolRegistry object"},
      {"auto s = tools::Sandbox::probe(posix, ctx.env);", "a sandbox: Sandbox::probe"},
      {"auto r = std::make_unique<tools::SandboxedRunner>(posix, s);", "a sandbox"},
      {"tools::SandboxedRunner runner{posix, std::move(s)};", "a sandbox"},
      {"auto p = llm::make_provider(pc, ctx.env, services);", "a provider: make_provider()"},
      {"auto p = std::make_shared<llm::HttpProvider>(cfg);", "a provider"},
      {"engine::LlmModelResolver resolver(std::move(c), env, s);", "a model resolver"},
      {"engine::Engine engine(catalog, models, host, nullptr, prompts, sink, limits, log);",
       "an engine"},
      {"auto b = new engine::PromptBuilder(dir, probe);", "a prompt builder: new PromptBuilder"},
      {"return engine::PromptBuilder{dir, probe};", "a prompt builder: PromptBuilder temporary"},
      {"tools::ToolInvoker invoker(*registry, nullptr);", "a tool host"},
      {"auto w = store::BatchJournalWriter::open(p, s);", "a batch journal"},
      // What a front-end may do with the things app built: hold, render, pass on.
      {"void show(const tools::ToolRegistry& registry, store::SessionStore* db);", ""},
      {"std::optional<store::SessionStore> store_;", ""},
      {"Result<std::unique_ptr<engine::TaskRunner>> r = app::make_task_runner(ctx);", ""},
      {"engine::EngineLimits limits; tools::SandboxSettings s;", ""},
      {"// auto db = store::SessionStore::open(path);", ""},
      {"log(\"SessionStore::open(\");", ""},
  };
  for (const auto& c : cases) {
    const std::string code = c.code;
    CAPTURE(code);
    auto found = check_front_end("src/cli/x.cpp", fmt::format("int a;\n{}\n", c.code));
    if (*c.named == '\0') {
      CHECK_MESSAGE(found.empty(), listed(found));
      continue;
    }
    REQUIRE(found.size() == 1);
    CHECK(found[0].line == 2);
    CHECK(found[0].rule == "a front-end builds nothing");
    CHECK_MESSAGE(found[0].detail.find(c.named) != std::string::npos, found[0].detail);
  }
}

TEST_CASE("layering: the table must match src/CMakeLists.txt's links") {
  std::string cmake;
  for (const auto& layer : layers()) {
    cmake += fmt::format("# a comment: agentry_layer(nonsense agentry_cli)\nagentry_layer({}",
                         layer.name);
    for (auto link : layer.links)
      cmake += fmt::format("\n  agentry_{}", link);
    cmake += " fmt::fmt)\n";
  }
  CHECK_MESSAGE(check_cmake_links("CMakeLists.txt", cmake).empty(),
                listed(check_cmake_links("CMakeLists.txt", cmake)));
  auto upward = cmake;
  upward.replace(upward.find("agentry_layer(tools"), 19, "agentry_layer(tools agentry_engine");
  auto found = check_cmake_links("CMakeLists.txt", upward);
  REQUIRE(found.size() == 1);
  CHECK(found[0].detail ==
        "tools links [core, engine] here but [core] in "
        "tests/layering/layering_check.cpp");
  auto missing = cmake;
  missing.replace(missing.find("agentry_layer(term"), 18, "add_library(term");
  found = check_cmake_links("CMakeLists.txt", missing);
  REQUIRE(found.size() == 1);
  CHECK(found[0].detail.find("no agentry_layer(term") != std::string::npos);
}

TEST_CASE("layering: src/CMakeLists.txt links the layers as the table says") {
  auto cmake = repository() / "src" / "CMakeLists.txt";
  auto found = check_cmake_links("src/CMakeLists.txt", testing::read_file(cmake));
  CHECK_MESSAGE(found.empty(), listed(found));
}

TEST_CASE("layering: no file of src/ includes a header of a layer above its own") {
  std::vector<Violation> found;
  auto files = source_files(repository() / "src");
  REQUIRE(files.size() > 100);
  for (const auto& f : files) {
    auto shown = f.path.lexically_relative(repository()).string();
    auto more = check_includes(shown, f.layer, testing::read_file(f.path));
    found.insert(found.end(), more.begin(), more.end());
  }
  CHECK_MESSAGE(found.empty(), listed(found));
}

TEST_CASE("layering: no file of src/cli builds a provider, store, tool registry or sandbox") {
  std::vector<Violation> found;
  std::size_t front_end_files = 0;
  for (const auto& f : source_files(repository() / "src")) {
    if (f.layer != "cli") continue;
    ++front_end_files;
    auto shown = f.path.lexically_relative(repository()).string();
    auto more = check_front_end(shown, testing::read_file(f.path));
    found.insert(found.end(), more.begin(), more.end());
  }
  REQUIRE(front_end_files > 10);
  CHECK_MESSAGE(found.empty(), listed(found));
}

TEST_CASE("layering: the front-end patterns still find what src/app builds") {
  // A guard on the rule above: a renamed factory would let src/cli build quietly again.
  std::set<std::string> built;
  for (const auto& f : source_files(repository() / "src")) {
    if (f.layer != "app") continue;
    for (const auto& v : check_front_end(f.path.string(), testing::read_file(f.path)))
      built.insert(v.detail.substr(0, v.detail.find(':')));
  }
  INFO(fmt::format("{}", fmt::join(built, "\n")));
  for (const char* what : {"a session store", "a tool registry", "a sandbox", "a tool host",
                           "a prompt builder", "an engine"})
    CHECK_MESSAGE(built.count(fmt::format("src/cli constructs {}", what)) == 1, what);
  CHECK((built.count("src/cli constructs a provider") == 1 ||
         built.count("src/cli constructs a model resolver (it builds providers)") == 1));
}

}  // namespace agentry::layering
