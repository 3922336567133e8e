#pragma once
/// The text of a yaml-cpp error, for the messages of every file agentry reads as YAML (config,
/// agent front-matter, task files, tool specs).
#include <string>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/exceptions.h>

namespace agentry {

/// yaml-cpp's own message, except for its nesting limit (2000 levels, which keeps its recursive
/// parser off the end of the stack): that one it calls "bad file", which says nothing useful.
inline std::string yaml_error_message(const YAML::Exception& e) {
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr)
    return "nested deeper than 2000 levels, the most YAML here may be (flatten it)";
  return e.msg;
}

}  // namespace agentry
