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
/// ../shared beside the repository (the corpus, the seed agent).
std::filesystem::path shared_dir();
/// The whole content of a file (binary-exact).
std::string read_file(const std::filesystem::path& path);

}  // namespace agentry::testing
