// Agent loading throughput: the corpus (372 real agent files) copied ten times into a temp dir and
// loaded from disk, reported as files/s; the same files parsed from memory, to tell parsing from
// I/O; and the wall time of `agentry agents validate` on the corpus, process start included.
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <benchmark/benchmark.h>

#include "agents/agent_parser.hpp"
#include "agents/loader.hpp"
#include "agents/registry.hpp"
#include "core/build_paths.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace agentry::agents;

constexpr int kCopies = 10;

fs::path corpus_dir() {
  return fs::weakly_canonical(fs::path(AGENTRY_SHARED_DIR) / "corpus/agents");
}

/// The corpus copied kCopies times under one temp dir, removed at exit.
struct CorpusCopies {
  fs::path root;
  std::size_t files = 0;

  CorpusCopies() {
    std::string tmpl = (fs::temp_directory_path() / "agentry-agents-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root = tmpl;
    for (int i = 0; i < kCopies; ++i) {
      fs::copy(corpus_dir(), root / ("copy" + std::to_string(i)), fs::copy_options::recursive);
    }
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() == ".md") ++files;
    }
  }
  ~CorpusCopies() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

const CorpusCopies& copies() {
  static const CorpusCopies instance;
  return instance;
}

void BM_LoadCorpusTenTimes(benchmark::State& state) {
  const CorpusCopies& c = copies();
  std::size_t errors = 0;
  for (auto _ : state) {
    LoadResult result = load_paths({c.root}, "extra");
    errors += result.error_count();
    benchmark::DoNotOptimize(result);
  }
  if (errors != 0) state.SkipWithError("the corpus did not load cleanly");
  state.counters["files/s"] = benchmark::Counter(static_cast<double>(c.files * state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["files"] = static_cast<double>(c.files);
}
BENCHMARK(BM_LoadCorpusTenTimes)->Unit(benchmark::kMillisecond);

void BM_RegistryFromCorpusTenTimes(benchmark::State& state) {
  const CorpusCopies& c = copies();
  for (auto _ : state) {
    Registry registry = Registry::from_loaded(load_paths({c.root}, "extra"));
    benchmark::DoNotOptimize(registry);
  }
  state.counters["files/s"] = benchmark::Counter(static_cast<double>(c.files * state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RegistryFromCorpusTenTimes)->Unit(benchmark::kMillisecond);

void BM_ParseCorpusFromMemory(benchmark::State& state) {
  std::vector<std::pair<fs::path, std::string>> texts;
  for (const auto& entry : fs::recursive_directory_iterator(corpus_dir())) {
    if (entry.path().extension() != ".md") continue;
    std::string text;
    {
      std::FILE* f = std::fopen(entry.path().c_str(), "rb");
      if (f == nullptr) throw std::runtime_error("cannot read " + entry.path().string());
      char buf[65536];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        text.append(buf, n);
      std::fclose(f);
    }
    texts.emplace_back(entry.path(), std::move(text));
  }
  for (auto _ : state) {
    Diagnostics diagnostics;
    for (const auto& [path, text] : texts) {
      auto def = parse_agent(text, path, "x", "extra", diagnostics);
      benchmark::DoNotOptimize(def);
    }
  }
  state.counters["files/s"] = benchmark::Counter(
      static_cast<double>(texts.size() * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseCorpusFromMemory)->Unit(benchmark::kMillisecond);

/// `agentry agents validate <corpus>` as a user runs it: process start, load, report.
void BM_ValidateCommandOnCorpus(benchmark::State& state) {
  std::string binary = std::string(AGENTRY_BINARY_DIR) + "/agentry";
  std::string corpus = corpus_dir().string();
  std::vector<char*> argv = {binary.data(), const_cast<char*>("agents"),
                             const_cast<char*>("validate"), corpus.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  for (auto _ : state) {
    pid_t pid = 0;
    if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
      state.SkipWithError("cannot start agentry (build it first)");
      break;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("agentry agents validate failed on the corpus");
      break;
    }
  }
  posix_spawn_file_actions_destroy(&actions);
}
BENCHMARK(BM_ValidateCommandOnCorpus)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
