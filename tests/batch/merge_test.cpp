#include "batch/merge.hpp"

#include <doctest/doctest.h>

#include "support/temp_dir.hpp"

namespace agentry::batch {

using agentry::testing::read_file;
using agentry::testing::TempDir;

TEST_CASE("merge keeps one line per id, the latest finished, sorted by id") {
  TempDir dir;
  auto a = dir.write("a.jsonl",
                     "{\"id\":\"x\",\"task_hash\":\"h\",\"status\":\"failed\",\"finished_at\":"
                     "\"2026-01-01T00:00:02.000Z\"}\n"
                     "{\"id\":\"b\",\"task_hash\":\"h\",\"status\":\"ok\",\"finished_at\":"
                     "\"2026-01-01T00:00:01.000Z\"}\n");
  auto b = dir.write("b.jsonl",
                     "{\"id\":\"x\",\"task_hash\":\"h\",\"status\":\"ok\",\"finished_at\":"
                     "\"2026-01-01T00:00:03.000Z\"}\n"
                     "{\"id\":\"a\",\"task_hash\":\"h\",\"status\":\"ok\",\"finished_at\":"
                     "\"2026-01-01T00:00:00.000Z\"}\n"
                     "{\"id\":\"torn\",\"task_hash\":\"h\",\"sta");
  auto out = dir.path() / "merged.jsonl";
  auto report = merge_results(out, {a, b});
  REQUIRE(report);
  CHECK(report->read == 4);
  CHECK(report->written == 3);
  CHECK(report->torn_tails == 1);
  CHECK(
      read_file(out) ==
      "{\"finished_at\":\"2026-01-01T00:00:00.000Z\",\"id\":\"a\",\"status\":\"ok\",\"task_hash\":"
      "\"h\"}\n"
      "{\"finished_at\":\"2026-01-01T00:00:01.000Z\",\"id\":\"b\",\"status\":\"ok\",\"task_hash\":"
      "\"h\"}\n"
      "{\"finished_at\":\"2026-01-01T00:00:03.000Z\",\"id\":\"x\",\"status\":\"ok\",\"task_hash\":"
      "\"h\"}\n");

  // The order of the inputs does not matter, and merging again gives the same bytes.
  auto again = dir.path() / "again.jsonl";
  REQUIRE(merge_results(again, {b, a}));
  CHECK(read_file(again) == read_file(out));
  // OUT may be one of the inputs.
  REQUIRE(merge_results(a, {a, b}));
  CHECK(read_file(a) == read_file(out));
}

TEST_CASE("merge refuses a missing or damaged input and leaves OUT alone") {
  TempDir dir;
  auto out = dir.write("out.jsonl", "old\n");
  auto missing = merge_results(out, {dir.path() / "nope.jsonl"});
  REQUIRE(!missing);
  CHECK(missing.error().code == ErrorCode::kNotFound);
  auto damaged = dir.write("bad.jsonl", "{\"id\": 1}\n");
  auto bad = merge_results(out, {damaged});
  REQUIRE(!bad);
  CHECK(bad.error().code == ErrorCode::kParse);
  CHECK(bad.error().where == damaged.string() + ":1");
  CHECK(read_file(out) == "old\n");
}

}  // namespace agentry::batch
