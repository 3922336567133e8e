#include "cli/mcp/line_reader.hpp"

#include <sstream>

#include <doctest/doctest.h>

namespace agentry::cli::mcp {

TEST_CASE("LineReader splits on newlines and strips one trailing CR") {
  std::istringstream in("one\ntwo\r\n\nlast");
  LineReader reader(in, 100);
  std::string line;
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "one");
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "two");
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "");
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "last");
  CHECK(reader.next(line) == LineStatus::kEnd);
  CHECK(reader.next(line) == LineStatus::kEnd);
}

TEST_CASE("LineReader skips a line over the cap and goes on with the next") {
  std::string big(50, 'x');
  std::istringstream in("short\n" + big + "\nafter\n" + std::string(10, 'y') + "\n" + big);
  LineReader reader(in, 10);
  std::string line;
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "short");
  CHECK(reader.next(line) == LineStatus::kTooLong);
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "after");
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == std::string(10, 'y'));               // exactly the cap is allowed
  CHECK(reader.next(line) == LineStatus::kTooLong);  // unterminated and too long
  CHECK(reader.next(line) == LineStatus::kEnd);
}

TEST_CASE("LineReader handles lines longer than its read chunk") {
  std::string big(200000, 'z');
  std::istringstream in(big + "\nnext\n");
  LineReader reader(in, 1 << 20);
  std::string line;
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line.size() == big.size());
  REQUIRE(reader.next(line) == LineStatus::kLine);
  CHECK(line == "next");
  CHECK(reader.next(line) == LineStatus::kEnd);
}

TEST_CASE("LineReader over an empty stream ends at once") {
  std::istringstream in("");
  LineReader reader(in, 10);
  std::string line;
  CHECK(reader.next(line) == LineStatus::kEnd);
}

}  // namespace agentry::cli::mcp
