#include "batch/merge.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/fd_write.hpp"
#include "core/unique_fd.hpp"
#include "store/batch_journal.hpp"

namespace agentry::batch {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string finished_at(const json& record) {
  auto it = record.find("finished_at");
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Error write_error(const fs::path& path, int err) {
  return Error(ErrorCode::kIo,
               fmt::format("cannot write the merged results: {}", std::strerror(err)),
               path.string(), "check that the folder exists and is writable");
}

Result<void> write_all(int fd, const std::string& text, const fs::path& path) {
  if (agentry::write_all(fd, text)) return {};
  return tl::make_unexpected(write_error(path, errno));
}

}  // namespace

Result<MergeReport> merge_results(const fs::path& out, const std::vector<fs::path>& inputs) {
  MergeReport report;
  std::map<std::string, json> by_id;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (!fs::is_regular_file(input, ec)) {
      return fail(ErrorCode::kNotFound, "no such results file", input.string(),
                  "give the results files the shards wrote (--results of each shard)");
    }
    auto journal = store::read_batch_journal(input);
    if (!journal) return tl::make_unexpected(journal.error());
    if (journal->torn_tail) ++report.torn_tails;
    for (auto& record : journal->records) {
      ++report.read;
      std::string id = record["id"].get<std::string>();
      auto it = by_id.find(id);
      if (it == by_id.end()) {
        by_id.emplace(std::move(id), std::move(record));
      } else if (finished_at(record) >= finished_at(it->second)) {
        it->second = std::move(record);
      }
    }
  }

  std::string text;
  for (const auto& [id, record] : by_id) {
    text += record.dump(-1, ' ', false, json::error_handler_t::replace);
    text += '\n';
  }
  report.written = by_id.size();

  fs::path tmp = out;
  tmp += fmt::format(".tmp-{}", ::getpid());
  Result<void> written;
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) return tl::make_unexpected(write_error(tmp, errno));
    written = write_all(fd.get(), text, tmp);
    if (written && ::fsync(fd.get()) != 0) written = tl::make_unexpected(write_error(tmp, errno));
  }
  if (written) {
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) written = tl::make_unexpected(write_error(out, ec.value()));
  }
  if (!written) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return tl::make_unexpected(written.error());
  }
  store::PosixFileSyncer syncer;
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (auto synced = syncer.sync_directory(dir); !synced) return tl::make_unexpected(synced.error());
  return report;
}

}  // namespace agentry::batch
