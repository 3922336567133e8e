#include "store/session_id.hpp"

#include <set>

#include <doctest/doctest.h>

namespace agentry::store {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::array<std::uint8_t, 10> bytes_1_to_10() {
  return {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
}

}  // namespace

TEST_CASE("session ids encode time and randomness as ULIDs") {
  // 1469918176385 ms is the ULID specification's example time: "01ARYZ6S41".
  CHECK(format_session_id(1469918176385, {}) == "01ARYZ6S410000000000000000");
  CHECK(format_session_id(1469918176385, bytes_1_to_10()) == "01ARYZ6S41041061050R3GG28A");
  std::array<std::uint8_t, 10> ones;
  ones.fill(0xFF);
  CHECK(format_session_id(0, ones) == "0000000000ZZZZZZZZZZZZZZZZ");
  CHECK(format_session_id(1469918176385, {}).size() == kSessionIdLength);
}

TEST_CASE("a generator counts up within one millisecond and when the clock steps back") {
  auto now = system_clock::time_point(milliseconds(1469918176385));
  int fills = 0;
  SessionIdGenerator ids([&] { return now; },
                         [&](std::array<std::uint8_t, 10>& b) {
                           ++fills;
                           b = {};
                           b[9] = 0xFE;
                         });
  CHECK(ids.next() == "01ARYZ6S41000000000000007Y");
  CHECK(ids.next() == "01ARYZ6S41000000000000007Z");  // same ms: random part + 1
  now -= milliseconds(5);                             // clock went back: still increasing
  CHECK(ids.next() == "01ARYZ6S410000000000000080");
  now += milliseconds(6);  // a later millisecond: fresh randomness
  CHECK(ids.next() == "01ARYZ6S42000000000000007Y");
  CHECK(fills == 2);
}

TEST_CASE("when the random part overflows, the id moves to the next millisecond") {
  auto now = system_clock::time_point(milliseconds(1469918176385));
  SessionIdGenerator ids([&] { return now; },
                         [](std::array<std::uint8_t, 10>& b) { b.fill(0xFF); });
  CHECK(ids.next() == "01ARYZ6S41ZZZZZZZZZZZZZZZZ");
  CHECK(ids.next() == "01ARYZ6S42ZZZZZZZZZZZZZZZZ");
}

TEST_CASE("real ids are unique and sorted in creation order") {
  SessionIdGenerator ids;
  std::string previous;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids.next();
    CHECK(id > previous);
    CHECK(is_session_id_prefix(id));
    seen.insert(id);
    previous = id;
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("id prefixes are Crockford base32 of at most 26 characters, any case") {
  CHECK(is_session_id_prefix("01ARYZ"));
  CHECK(is_session_id_prefix("01aryz"));
  CHECK_FALSE(is_session_id_prefix(""));
  CHECK_FALSE(is_session_id_prefix("01ARYZ-"));
  CHECK_FALSE(is_session_id_prefix("01ARYI"));  // I, L, O, U are not in the alphabet
  CHECK_FALSE(is_session_id_prefix(std::string(27, '0')));
  CHECK(canonical_session_id("01aryz") == "01ARYZ");
}

}  // namespace agentry::store
