// Tool-call arguments from a model, checked as ToolInvoker checks them, against the real
// tools/*.yaml schemas: the first byte picks the tool, the rest is the arguments' text.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/build_paths.hpp"
#include "fuzz_input.hpp"
#include "tools/capped_text.hpp"
#include "tools/schema_validator.hpp"
#include "tools/tool_spec_loader.hpp"

namespace {

const std::vector<agentry::tools::ToolSpec>& specs() {
  static const auto loaded = [] {
    auto r = agentry::tools::load_tool_specs(std::filesystem::path(AGENTRY_SOURCE_DIR) / "tools");
    if (!r || r->empty()) {
      std::fprintf(stderr, "tool_arguments_fuzz: cannot load tools/*.yaml: %s\n",
                   r ? "no tools" : r.error().to_string().c_str());
      std::abort();
    }
    return std::move(*r);
  }();
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using nlohmann::json;
  if (size == 0) return 0;
  const auto& spec = specs()[data[0] % specs().size()];
  std::string_view raw = agentry::fuzz::as_text(data + 1, size - 1);
  json arguments = json::parse(raw, nullptr, false);
  if (arguments.is_discarded()) {
    (void)agentry::tools::cap_text(agentry::tools::valid_utf8(raw), 200);
    return 0;
  }
  if (auto problem = agentry::tools::validate_arguments(spec.schema.parameters, arguments)) {
    AGENTRY_FUZZ_CHECK(!problem->empty());
    // The message goes back to the model inside a JSON request.
    (void)json(*problem).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return 0;
}
