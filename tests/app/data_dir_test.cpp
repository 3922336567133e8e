// Where agentry finds its built-in data (app::find_data_dir): the environment, the install
// layout next to the program, and the source tree for the binary in its build folder only.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "app/app_context.hpp"
#include "core/build_paths.hpp"
#include "support/spawned_process.hpp"
#include "support/temp_dir.hpp"

namespace agentry::app {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("AGENTRY_DATA_DIR names the data folder, and a missing one is an error naming it") {
  testing::TempDir dir;
  Environment env;
  env.set("AGENTRY_DATA_DIR", dir.path().string());
  auto found = find_data_dir(env, dir.path() / "bin" / "agentry");
  REQUIRE(found);
  CHECK(*found == dir.path());

  env.set("AGENTRY_DATA_DIR", (dir.path() / "nowhere").string());
  auto missing = find_data_dir(env, fs::path(build_paths::binary_dir()) / "agentry");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::kConfig);
  CHECK(contains(missing.error().to_string(), (dir.path() / "nowhere").string()));
}

TEST_CASE("an installed binary reads <prefix>/share/agentry") {
  testing::TempDir prefix;
  fs::create_directories(prefix.path() / "share" / "agentry" / "agents");
  auto found = find_data_dir(Environment{}, prefix.path() / "bin" / "agentry");
  REQUIRE(found);
  CHECK(*found == prefix.path() / "share" / "agentry");
}

TEST_CASE("the binary in the build folder falls back to its source tree") {
  auto found = find_data_dir(Environment{}, fs::path(build_paths::binary_dir()) / "agentry");
  REQUIRE(found);
  CHECK(*found == fs::path(build_paths::source_dir()));
}

TEST_CASE("a binary outside the build folder never falls back to the source tree") {
  testing::TempDir prefix;
  auto missing = find_data_dir(Environment{}, prefix.path() / "bin" / "agentry");
  REQUIRE_FALSE(missing);
  auto message = missing.error().to_string();
  CHECK(contains(message, (prefix.path() / "share" / "agentry").string()));
  CHECK(contains(message, "AGENTRY_DATA_DIR"));
  CHECK(contains(message, "reinstall"));
  CHECK_FALSE(contains(message, build_paths::source_dir()));
}

/// Runs the copy of agentry at `exe` with a minimal environment (no AGENTRY_DATA_DIR).
testing::ProcessOutcome run_copy(const fs::path& exe, const fs::path& home,
                                 std::vector<std::string> args) {
  testing::SpawnOptions options;
  options.argv = {exe.string()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = {{"HOME", home.string()},
                 {"XDG_CONFIG_HOME", (home / "config").string()},
                 {"XDG_DATA_HOME", (home / "data").string()},
                 {"PATH", "/usr/bin:/bin"},
                 {"NO_COLOR", "1"}};
  options.cwd = home;
  return testing::run_process(options, std::chrono::seconds(120));
}

TEST_CASE("a copy of agentry with no share/ beside it says where it looked, not the source tree") {
  const char* bin = std::getenv("AGENTRY_BIN");
  REQUIRE_MESSAGE(bin != nullptr, "ctest sets AGENTRY_BIN to the agentry binary");
  testing::TempDir prefix{"agentry-copied"};
  fs::create_directories(prefix.path() / "bin");
  fs::create_directories(prefix.path() / "home");
  const fs::path exe = prefix.path() / "bin" / "agentry";
  fs::copy_file(bin, exe);
  const fs::path home = prefix.path() / "home";

  auto listed = run_copy(exe, home, {"tools", "list"});
  CHECK(listed.exit_code == kExitUsage);
  CHECK(contains(listed.err, (prefix.path() / "share" / "agentry").string()));
  CHECK(contains(listed.err, "AGENTRY_DATA_DIR"));
  CHECK_FALSE(contains(listed.out, "cargo_check"));
  CHECK_FALSE(contains(listed.err, build_paths::source_dir()));

  // Asking about the program needs no data.
  auto version = run_copy(exe, home, {"--version"});
  CHECK(version.exit_code == 0);
  CHECK(contains(version.out, "agentry "));
  auto help = run_copy(exe, home, {"tools", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "list"));

  // With the data installed beside it, the same copy works.
  const fs::path data = prefix.path() / "share" / "agentry";
  fs::create_directories(data);
  for (const char* folder : {"agents", "prompts", "tools"})
    fs::copy(fs::path(build_paths::source_dir()) / folder, data / folder,
             fs::copy_options::recursive);
  auto installed = run_copy(exe, home, {"tools", "list"});
  CHECK(installed.exit_code == 0);
  CHECK(contains(installed.out, "cargo_check"));
}

}  // namespace
}  // namespace agentry::app
