#pragma once
/// yaml-cpp's YAML::Load with a budget, for every YAML file agentry reads (config, agent
/// front-matter, task files, tool specs).
///
/// An alias (`*name`) repeats a whole anchored node, so a few hundred bytes of nested aliases
/// ("billion laughs") stand for billions of nodes: yaml-cpp shares them, but every conversion that
/// walks the document (to JSON, to an agent definition) expands them and runs out of memory. So
/// the document is first measured as a stream of parser events, with each alias counted at the
/// full size of what it repeats, and refused before anything is built when it is over budget.
#include <cstdint>
#include <string>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/node/node.h>

namespace agentry {

/// Nodes (scalars, keys, lists, mappings) in one document with every alias expanded. Real files
/// have a few hundred; a YAML task file at its 4 MiB cap fewer than this.
inline constexpr std::uint64_t kMaxYamlNodes = 1'000'000;
/// Bytes of scalar text (keys included) in one document with every alias expanded.
inline constexpr std::uint64_t kMaxYamlBytes = std::uint64_t{64} << 20;

struct YamlBudget {
  std::uint64_t nodes = kMaxYamlNodes;
  std::uint64_t bytes = kMaxYamlBytes;
};

/// Thrown by load_yaml for a document over its budget, or one whose alias repeats a node that
/// holds the alias (a cycle). A YAML::Exception, so the handlers that already turn yaml-cpp's
/// errors into "file:line:col: invalid YAML: …" report it the same way; `mark` is the node that
/// went over.
class YamlBudgetError : public YAML::Exception {
 public:
  YamlBudgetError(const YAML::Mark& mark, const std::string& message)
      : YAML::Exception(mark, message) {}
};

/// The first document of `text`, as YAML::Load reads it, once its expanded size is within
/// `budget`. Throws YAML::Exception (YamlBudgetError past the budget) as YAML::Load does.
YAML::Node load_yaml(const std::string& text, const YamlBudget& budget = {});

}  // namespace agentry
