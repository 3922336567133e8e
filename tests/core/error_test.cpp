#include "core/error.hpp"

#include <doctest/doctest.h>

#include "core/environment.hpp"

namespace agentry {

TEST_CASE("an error prints where, what and what to do") {
  Error e(ErrorCode::kConfig, "unknown mode 'main'", "agents/x.md:3:7",
          "use primary, subagent or all");
  CHECK(e.to_string() == "agents/x.md:3:7: unknown mode 'main' (use primary, subagent or all)");
  CHECK(Error(ErrorCode::kIo, "disk full").to_string() == "disk full");
}

TEST_CASE("exit codes follow STYLE.md") {
  CHECK(exit_code_for(Error(ErrorCode::kConfig, "x")) == 2);
  CHECK(exit_code_for(Error(ErrorCode::kUsage, "x")) == 2);
  CHECK(exit_code_for(Error(ErrorCode::kCancelled, "x")) == 130);
  CHECK(exit_code_for(Error(ErrorCode::kHttp, "x")) == 1);
}

TEST_CASE("secret-looking variables are recognised") {
  CHECK(is_secret_variable("OPENAI_API_KEY"));
  CHECK(is_secret_variable("anthropic_api_key"));
  CHECK(is_secret_variable("GITHUB_TOKEN"));
  CHECK(is_secret_variable("AWS_SECRET_ACCESS_KEY"));
  CHECK(is_secret_variable("DB_PASSWORD"));
  CHECK_FALSE(is_secret_variable("PATH"));
  CHECK_FALSE(is_secret_variable("CARGO_HOME"));
  CHECK_FALSE(is_secret_variable("HOME"));
}

TEST_CASE("XDG directories fall back to HOME") {
  Environment env;
  env.set("HOME", "/home/u");
  CHECK(env.config_home() == "/home/u/.config");
  env.set("XDG_CONFIG_HOME", "/cfg");
  CHECK(env.config_home() == "/cfg");
  env.set("XDG_CONFIG_HOME", "");
  CHECK(env.config_home() == "/home/u/.config");
}

}  // namespace agentry
