#pragma once
// Peak memory of an agentry run, for the tests of the documented limits and of hostile inputs
// (alias bombs): the run goes through agentry-peak-rss, and its peak is compared with the peak of
// `agentry --version` measured the same way.
#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "cli/support/agentry_harness.hpp"

namespace agentry::cli::e2e {

/// Runs agentry without cargo on PATH (the prompt's toolchain probes, cargo metadata, do not
/// run, so the peak is agentry's own, not a child's), through agentry-peak-rss: a program's
/// ru_maxrss starts at the size of the process that spawned it, and this test process is large.
inline testing::ProcessOutcome run_measured(const AgentryHome& home, std::vector<std::string> args,
                                            const fakellm::FakeLlmServer* server) {
  auto options = home.spawn_options(std::move(args), server);
  options.env["PATH"] = "/usr/bin:/bin";
#if defined(__SANITIZE_ADDRESS__)
  // Added to the compiled-in defaults (cmake/sanitizer_options.cpp.in), which still apply.
  options.env["ASAN_OPTIONS"] = "quarantine_size_mb=4";
#endif
  auto peak_file = home.root() / "peak_rss_kb";
  options.argv.insert(options.argv.begin(), {AGENTRY_PEAK_RSS_BIN, peak_file.string()});
  auto outcome = testing::run_process(options);
  long peak_kb = -1;
  std::ifstream(peak_file) >> peak_kb;
  REQUIRE_MESSAGE(peak_kb > 0, "agentry-peak-rss wrote no figure");
  outcome.peak_rss_kb = peak_kb;
  return outcome;
}

// agentry runs in about 20 MB and peaks near 35 MB on these inputs; without the limits the same
// runs took 0.5 to 1.2 GB. The bound is on what a run adds to agentry's own start-up size
// (`agentry --version`, measured the same way): in Release that is ~15 MB; under AddressSanitizer
// (what .ci/test builds) it is ~170 MB of binary, shadow and runtime, and the measured runs keep
// at most 4 MiB of freed memory in quarantine instead of 256 MiB.
inline constexpr long kPeakGrowthLimitKb = 100 * 1024;

inline long startup_peak_kb() {
  static const long peak = [] {
    AgentryHome home;
    return run_measured(home, {"--version"}, nullptr).peak_rss_kb;
  }();
  return peak;
}

inline void check_peak_rss(const testing::ProcessOutcome& r) {
  MESSAGE("peak RSS: " << r.peak_rss_kb << " KiB; agentry --version: " << startup_peak_kb()
                       << " KiB");
#if !defined(__SANITIZE_THREAD__)  // ThreadSanitizer's shadow memory grows with every byte used
  CHECK(r.peak_rss_kb - startup_peak_kb() < kPeakGrowthLimitKb);
#endif
}

}  // namespace agentry::cli::e2e
