#include "core/unique_fd.hpp"

#include <fcntl.h>

#include <doctest/doctest.h>

namespace agentry {
namespace {

bool is_open(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}

TEST_CASE("UniqueFd closes once, moves ownership and can give it up") {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(raw >= 0);
  {
    UniqueFd a(raw);
    UniqueFd b(std::move(a));
    CHECK_FALSE(a.valid());
    CHECK(b.get() == raw);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));

  int kept = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(kept >= 0);
  {
    UniqueFd owner(kept);
    CHECK(owner.release() == kept);
    CHECK_FALSE(owner.valid());
  }
  CHECK(is_open(kept));
  ::close(kept);
}

}  // namespace
}  // namespace agentry
