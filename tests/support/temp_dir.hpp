#pragma once
/// A temporary directory removed with everything in it when the object dies.
#include <filesystem>
#include <string_view>

namespace agentry::testing {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "agentry-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to path()/relative (creating parent folders) and returns the full path.
  std::filesystem::path write(const std::filesystem::path& relative,
                              std::string_view content) const;

 private:
  std::filesystem::path path_;
};

/// tests/fixtures, from the source tree.
std::filesystem::path fixtures_dir();
/// ../shared beside the repository (the corpus, the seed agent); the environment variable
/// AGENTRY_SHARED_DIR, when set, names another folder (a test of the skip points it nowhere).
std::filesystem::path shared_dir();
/// True when shared_dir()/relative is missing: a fresh clone has no ../shared. The caller then
/// returns at once; this prints the marker every discovered test's SKIP_REGULAR_EXPRESSION
/// (tests/CMakeLists.txt) matches, so ctest counts the test as skipped, not passed.
///   if (testing::skip_without_shared("corpus/agents")) return;
bool skip_without_shared(const std::filesystem::path& relative);
/// The whole content of a file (binary-exact).
std::string read_file(const std::filesystem::path& path);

}  // namespace agentry::testing
