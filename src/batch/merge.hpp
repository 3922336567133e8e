#pragma once
/// `agentry batch merge OUT SHARD_RESULTS...`: joins the results files of a batch's shards into
/// one. One line per task id: when several files (or one file after --retry-failed) hold the same
/// id, the line that finished last (`finished_at`) wins, and on a tie the one read last. The
/// output is sorted by id, so merging the same results always gives the same bytes, and written
/// to a temporary file then renamed, so OUT is never half-written. An unterminated last line in
/// an input (a shard killed mid-write) is ignored, as a resume would.
#include <filesystem>
#include <vector>

#include "core/error.hpp"

namespace agentry::batch {

struct MergeReport {
  std::size_t read = 0;        ///< complete lines read from every input
  std::size_t written = 0;     ///< lines in OUT: one per id
  std::size_t torn_tails = 0;  ///< inputs whose unterminated last line was ignored
};

[[nodiscard]] Result<MergeReport> merge_results(const std::filesystem::path& out,
                                                const std::vector<std::filesystem::path>& inputs);

}  // namespace agentry::batch
