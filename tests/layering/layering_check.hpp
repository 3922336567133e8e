#pragma once
/// The layering rules of src/ (issue 16), as functions over file contents so that each can be
/// fed a made-up file and be seen to fail:
///  - a file of one layer includes only headers of the layers it links (directly or through
///    others) and its own: one table below, which src/CMakeLists.txt's agentry_layer() calls
///    must match;
///  - a front-end (src/cli) builds nothing: no provider, store, tool registry or host, sandbox,
///    prompt builder or engine; src/app builds them and hands them over.
#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace agentry::layering {

/// One broken rule at file:line.
struct Violation {
  std::string file;  ///< as given (a path relative to the repository for the real tree)
  int line = 0;
  std::string rule;    ///< which rule, in a few words
  std::string detail;  ///< what was found and what to do
  std::string to_string() const;
};

/// A layer (a folder under src/) and the layers it links, as src/CMakeLists.txt says.
struct Layer {
  std::string_view name;
  std::vector<std::string_view> links;
};

/// The layers, bottom to top: the one table the include rule and the CMake check read.
std::span<const Layer> layers();

/// The layers a file of `layer` may include: itself and everything it links, transitively.
/// Empty for a folder that is no layer.
std::set<std::string, std::less<>> allowed_includes(std::string_view layer);

/// `code` with comments (and, unless `keep_strings`, the contents of string and character
/// literals, raw ones included) replaced by spaces; line breaks stay, so lines keep their numbers.
std::string blank_comments(std::string_view code, bool keep_strings);

/// The include rule for one file of `layer`.
std::vector<Violation> check_includes(std::string_view file, std::string_view layer,
                                      std::string_view code);

/// The front-end rule for one file of src/cli.
std::vector<Violation> check_front_end(std::string_view file, std::string_view code);

/// The table against the agentry_layer() calls of src/CMakeLists.txt (its text).
std::vector<Violation> check_cmake_links(std::string_view file, std::string_view cmake);

/// Every source file below `src` (.hpp, .cpp, .h, .in), with its layer (the first folder).
struct SourceFile {
  std::filesystem::path path;
  std::string layer;
};
std::vector<SourceFile> source_files(const std::filesystem::path& src);

}  // namespace agentry::layering
