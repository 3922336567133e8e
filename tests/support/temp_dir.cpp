#include "support/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <system_error>

#include "core/build_paths.hpp"

namespace agentry::testing {

namespace fs = std::filesystem;

TempDir::TempDir(std::string_view prefix) {
  std::string tmpl = (fs::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
  path_ = fs::canonical(tmpl);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Make read-only trees removable too (tests chmod things).
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

fs::path TempDir::write(const fs::path& relative, std::string_view content) const {
  fs::path full = path_ / relative;
  fs::create_directories(full.parent_path());
  std::ofstream out(full, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("cannot write " + full.string());
  return full;
}

fs::path fixtures_dir() {
  return AGENTRY_TEST_FIXTURES;
}
fs::path shared_dir() {
  // The variable's name inside a string literal is not the macro of build_paths.hpp.
  const char* override_dir = std::getenv("AGENTRY_SHARED_DIR");
  if (override_dir != nullptr && *override_dir != '\0') return fs::weakly_canonical(override_dir);
  return fs::weakly_canonical(AGENTRY_SHARED_DIR);
}

bool skip_without_shared(const fs::path& relative) {
  fs::path needed = shared_dir() / relative;
  std::error_code ec;
  if (fs::is_directory(needed, ec)) return false;
  // Exactly the SKIP_REGULAR_EXPRESSION of tests/CMakeLists.txt.
  std::cout << "agentry-test-skipped: needs " << needed.string()
            << " (../shared beside the checkout, or AGENTRY_SHARED_DIR)" << std::endl;
  return true;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace agentry::testing
