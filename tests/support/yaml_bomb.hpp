#pragma once
// "Billion laughs" for the tests of every YAML reader: a mapping whose keys are anchors, each a
// list of `fan` aliases of the one before, so that 9 levels of 9 stand for 9^9 (387 million)
// scalars in about 600 bytes.
#include <string>

namespace agentry::testing {

inline std::string yaml_bomb(int levels = 9, int fan = 9) {
  std::string out = "l0: &l0 \"lol\"\n";
  for (int level = 1; level <= levels; ++level) {
    // Appended piecewise: g++ 12 misreports `"literal" + std::string` under -Wrestrict at -O3.
    std::string name = "l";
    name += std::to_string(level);
    out += name;
    out += ": &";
    out += name;
    out += " [";
    for (int i = 0; i < fan; ++i) {
      out += i == 0 ? "*l" : ", *l";
      out += std::to_string(level - 1);
    }
    out += "]\n";
  }
  return out;
}

}  // namespace agentry::testing
