// `cargo fmt --check` output: stdout (the diff hunks) and stderr (parse errors), separated in the
// input by the first NUL byte.
#include "fuzz_input.hpp"
#include "tools/rustfmt_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = agentry::fuzz::as_text(data, size);
  std::size_t nul = input.find('\0');
  std::string_view out = input.substr(0, nul);
  std::string_view err = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  auto report = agentry::tools::parse_rustfmt_check(out, err, [](const std::string& path) {
    return path.starts_with("/crate/") ? path.substr(7) : path;
  });
  for (const auto& file : report.files)
    AGENTRY_FUZZ_CHECK(file.hunks >= 0);
  return 0;
}
