#include "tools/libtest_report.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace agentry::tools {

namespace {

constexpr const char* kOutput = R"({"reason":"build-finished","success":true}

running 3 tests
test tests::slow ... ignored
test tests::adds ... ok
test tests::halves ... FAILED

failures:

---- tests::halves stdout ----

thread 'tests::halves' panicked at src/lib.rs:20:9:
assertion `left == right` failed: halve(10) should be 5
  left: 3
 right: 5
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::halves

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s


running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out; finished in 0.00s

)";

}  // namespace

TEST_CASE("libtest summaries are summed and failures keep their output") {
  auto r = parse_libtest_output(kOutput);
  CHECK(r.suites == 2);
  CHECK(r.passed == 1);
  CHECK(r.failed == 1);
  CHECK(r.ignored == 1);
  CHECK(r.filtered_out == 2);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].name == "tests::halves");
  CHECK(r.failures[0].output ==
        "thread 'tests::halves' panicked at src/lib.rs:20:9:\n"
        "assertion `left == right` failed: halve(10) should be 5\n"
        "  left: 3\n"
        " right: 5");
}

TEST_CASE("a failed test without captured output is still named") {
  auto r = parse_libtest_output(
      "test a::b ... FAILED\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 "
      "filtered out\n");
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].name == "a::b");
  CHECK(r.failures[0].output.empty());
}

TEST_CASE("a count too large for an int saturates instead of throwing") {
  // std::stoi threw std::out_of_range here, which ended agentry when the call ran on a thread.
  const std::string huge(40, '9');
  auto r = parse_libtest_output(fmt::format(
      "test result: ok. {0} passed; 0 failed; 0 ignored; 0 measured; {0} filtered out\n"
      "test result: ok. 2147483647 passed; 3 failed; 0 ignored; 0 measured; 0 filtered out\n",
      huge));
  CHECK(r.suites == 2);
  CHECK(r.passed == 2147483647);
  CHECK(r.failed == 3);
  CHECK(r.filtered_out == 2147483647);
}

TEST_CASE("lines of a megabyte are read without recursion") {
  // std::regex recursed once per character here: a test printing such a line crashed agentry.
  const std::string long_name(1 << 20, 'x');
  auto r = parse_libtest_output(fmt::format(
      "test {0} ... FAILED\n---- {0} stdout ----\nthread '{0}' (77) panicked at src/lib.rs:1:1:\n"
      "test {0}\n---- {0}\nthread '{0}\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 "
      "measured; 0 filtered out\n",
      long_name));
  CHECK(r.suites == 1);
  CHECK(r.failed == 1);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].name == long_name);
  CHECK(r.failures[0].output.starts_with(
      fmt::format("thread '{}' panicked at", long_name).substr(0, 100)));
}

TEST_CASE("a thread id goes, other parentheses stay") {
  auto r = parse_libtest_output(
      "---- t stdout ----\nthread 't' (12) panicked\nthread 't' (x) panicked\n"
      "thread 't (12) panicked\n(12) thread 't'\n");
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].output ==
        "thread 't' panicked\nthread 't' (x) panicked\nthread 't (12) panicked\n(12) thread 't'");
}

}  // namespace agentry::tools
