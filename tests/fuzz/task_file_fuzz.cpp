// The batch task file, in the form detect_format picks from the text (JSONL when it starts with
// '{', else YAML), parsed and validated as `agentry batch` does, next to the test fixtures so
// that cwd entries such as crates/alpha resolve.
#include <filesystem>

#include "batch/task_file.hpp"
#include "core/build_paths.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace agentry::batch;
  static const std::filesystem::path path =
      std::filesystem::path(AGENTRY_TEST_FIXTURES) / "batch" / "tasks";
  std::string_view text = agentry::fuzz::as_text(data, size);
  TaskFile file = parse_task_file(text, path, detect_format(path, text));
  AGENTRY_FUZZ_CHECK(file.ok() || file.tasks.empty());
  for (const auto& line : file.problem_lines())
    AGENTRY_FUZZ_CHECK(!line.empty());
  return 0;
}
