#pragma once
/// Where this build's source and build trees are, for the data fallback of the binary in its build
/// folder (app::find_data_dir) and for the tests; and where an installed binary's data is. The
/// values live in one generated file (build/generated/build_paths.cpp), not in compile definitions,
/// so that every other object file is the same in any checkout folder and ccache can reuse it (CI
/// builds a fresh clone in another folder).
namespace agentry::build_paths {

const char* source_dir();         ///< the repository root this binary was built from
const char* binary_dir();         ///< the CMake build folder, where it puts `agentry`
const char* shared_dir();         ///< ../shared beside the repository (corpus, references)
const char* test_fixtures_dir();  ///< tests/fixtures

/// The installed data folder relative to the installed binary's folder (`../share/agentry` with
/// GNUInstallDirs' defaults): `cmake --install` lays them out so, whatever the prefix.
const char* installed_data_from_bindir();

}  // namespace agentry::build_paths

// Spelled as the definitions they replace, for the tests and benchmarks.
#define AGENTRY_SOURCE_DIR (::agentry::build_paths::source_dir())
#define AGENTRY_BINARY_DIR (::agentry::build_paths::binary_dir())
#define AGENTRY_SHARED_DIR (::agentry::build_paths::shared_dir())
#define AGENTRY_TEST_FIXTURES (::agentry::build_paths::test_fixtures_dir())
