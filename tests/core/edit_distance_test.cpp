#include "core/edit_distance.hpp"

#include <doctest/doctest.h>

namespace agentry {

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("rust-pro", "rust-pro") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("rust-pro", "rust-por") == 2);
  CHECK(edit_distance("rustpro", "rust-pro") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("prompt", "promt") == 1);
  CHECK(edit_distance("/hlep", "/help") == 2);
}

TEST_CASE("edit distance is symmetric") {
  CHECK(edit_distance("max_steps", "maxstep") == edit_distance("maxstep", "max_steps"));
}

}  // namespace agentry
