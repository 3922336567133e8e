// The front-matter splitter on any bytes: it must not crash, and on success its views must lie
// inside the text, the body after the YAML, and line numbers must be plausible.
#include "agents/front_matter.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = agentry::fuzz::as_text(data, size);
  auto split = agentry::agents::split_front_matter(text, "agents/fuzz.md");
  if (!split) return 0;
  auto inside = [&](std::string_view part) {
    return part.data() >= text.data() && part.data() + part.size() <= text.data() + text.size();
  };
  AGENTRY_FUZZ_CHECK(split->yaml.empty() || inside(split->yaml));
  AGENTRY_FUZZ_CHECK(split->body.empty() || inside(split->body));
  AGENTRY_FUZZ_CHECK(split->body.empty() || split->yaml.empty() ||
                     split->body.data() >= split->yaml.data() + split->yaml.size());
  AGENTRY_FUZZ_CHECK(split->yaml_first_line >= 1);
  AGENTRY_FUZZ_CHECK(split->body_first_line >= split->yaml_first_line);
  return 0;
}
