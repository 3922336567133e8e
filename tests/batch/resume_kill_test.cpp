// Kill -9 at random moments, resume, repeated: every task ends up exactly once in the results.
// In-process with a fake engine::TaskRunner: each round forks a child that runs the batch, and the
// parent SIGKILLs it after a random while, mid-task, mid-append or mid-fsync as chance has it.
#include <random>
#include <set>
#include <signal.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "batch/batch_run.hpp"
#include "batch/fake_task_runner.hpp"
#include "store/batch_journal.hpp"
#include "support/temp_dir.hpp"

namespace agentry::batch {

namespace fs = std::filesystem;
using agentry::testing::TempDir;
using testing::FakeTaskRunner;
using namespace std::chrono_literals;

namespace {

int run_batch_here(const BatchOptions& options, unsigned seed) {
  std::mt19937 random(seed);
  std::mutex mutex;
  FakeTaskRunner runner(
      [&](const engine::TaskRequest& req, std::stop_token stop) -> Result<engine::RunResult> {
        int ms = 0;
        {
          std::lock_guard lock(mutex);
          ms = static_cast<int>(random() % 4);
        }
        auto slept = testing::sleep_or_cancel(std::chrono::milliseconds(ms), stop);
        if (!slept) return tl::make_unexpected(slept.error());
        return FakeTaskRunner::completed("done " + req.task);
      });
  tools::PosixProcessRunner processes;
  Environment env = Environment::from_process();
  std::ostringstream out;
  std::ostringstream err;
  BatchServices services{runner, processes, env, {}, out, err};
  auto code = run_batch(options, services, {});
  return code ? *code : 3;
}

}  // namespace

TEST_CASE("SIGKILL at random moments, then resume, many times: each task exactly once") {
  constexpr int kTasks = 150;
  TempDir dir;
  std::string text;
  for (int i = 0; i < kTasks; ++i) {
    text += "{\"id\": \"t" + std::to_string(i) + "\", \"prompt\": \"p" + std::to_string(i) +
            "\", \"check\": \"true\"}\n";
  }
  BatchOptions options;
  options.task_file = dir.write("tasks.jsonl", text);
  options.jobs = 8;
  options.tool_jobs = 2;
  options.rate_limit_pause = 0ms;
  fs::path results = dir.path() / "tasks.results.jsonl";

  std::mt19937 random(20261125);
  int killed = 0;
  int torn = 0;
  for (int round = 0; round < 40; ++round) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) ::_exit(run_batch_here(options, static_cast<unsigned>(round)));
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 40'000));
    if (::kill(pid, SIGKILL) == 0) ++killed;
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);

    auto journal = store::read_batch_journal(results);
    REQUIRE(journal);
    if (journal->torn_tail) ++torn;
    std::set<std::string> seen;
    for (const auto& r : journal->records) {
      CHECK_MESSAGE(seen.insert(r["id"].get<std::string>()).second,
                    "task " << r["id"] << " recorded twice after round " << round);
    }
  }
  MESSAGE("killed " << killed << " of 40 runs; " << torn << " left a torn last line");
  CHECK(killed > 0);

  CHECK(run_batch_here(options, 99) == kExitOk);
  auto journal = store::read_batch_journal(results);
  REQUIRE(journal);
  CHECK(!journal->torn_tail);
  std::multiset<std::string> ids;
  for (const auto& r : journal->records) {
    ids.insert(r["id"].get<std::string>());
    CHECK(r["status"] == "ok");
  }
  CHECK(ids.size() == kTasks);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == kTasks);
}

}  // namespace agentry::batch
