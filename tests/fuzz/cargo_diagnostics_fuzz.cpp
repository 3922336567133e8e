// cargo's --message-format=json output (compiler-message / build-finished lines): parsed with a
// path mapper as the cargo tools use one, rendered for the model, and serialised for details.
#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "tools/cargo_diagnostics.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using nlohmann::json;
  std::string_view text = agentry::fuzz::as_text(data, size);
  auto report = agentry::tools::parse_cargo_messages(
      text, [](const std::string& file) { return "crate/" + file; });
  AGENTRY_FUZZ_CHECK(report.errors() + report.warnings() <= report.diagnostics.size());
  for (std::size_t budget : {std::size_t{0}, std::size_t{200}, std::size_t{16384}})
    (void)agentry::tools::render_diagnostics(report, budget);
  for (const auto& d : report.diagnostics)
    (void)agentry::tools::to_json(d).dump(-1, ' ', false, json::error_handler_t::replace);
  (void)agentry::tools::rendered_text(text);
  return 0;
}
