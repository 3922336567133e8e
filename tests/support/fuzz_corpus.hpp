#pragma once
// Inputs kept in tests/fuzz/corpus/<target>/ (seeds and every crash the fuzzers found), for the
// regression tests that replay a finding in the suite of the layer it was fixed in.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "core/build_paths.hpp"

namespace agentry::testing {

/// The bytes of tests/fuzz/corpus/<target>/<name>.
inline std::string fuzz_input(std::string_view target, std::string_view name) {
  auto file = std::filesystem::path(AGENTRY_SOURCE_DIR) / "tests/fuzz/corpus" / target / name;
  std::ifstream in(file, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The stream of a stream target's input: its first 8 bytes only choose the chunk lengths
/// (tests/fuzz/fuzz_input.hpp), which the parser must not depend on.
inline std::string_view fuzz_stream_body(std::string_view input) {
  return input.size() <= 8 ? std::string_view() : input.substr(8);
}

}  // namespace agentry::testing
