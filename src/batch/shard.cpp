#include "batch/shard.hpp"

#include <charconv>
#include <cstdint>

#include <fmt/format.h>

namespace agentry::batch {

namespace {

std::optional<long long> to_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<long long> env_number(const Environment& env, const char* name, const char* hint) {
  auto text = env.get(name);
  if (!text || text->empty()) {
    return fail(ErrorCode::kUsage, fmt::format("{} is not set", name), "--shard-from", hint);
  }
  auto value = to_number(*text);
  if (!value) {
    return fail(ErrorCode::kUsage, fmt::format("{}={} is not a whole number", name, *text),
                "--shard-from", hint);
  }
  return *value;
}

Result<Shard> checked(long long index, long long count, std::string where) {
  if (count < 1 || count > 1'000'000 || index < 0 || index >= count) {
    return fail(
        ErrorCode::kUsage,
        fmt::format("shard {} of {} is out of range (need 0 <= index < count)", index, count),
        std::move(where), "give --shard I/N with 0 <= I < N");
  }
  return Shard{static_cast<int>(index), static_cast<int>(count)};
}

}  // namespace

std::string Shard::to_string() const {
  return fmt::format("{}/{}", index, count);
}

Result<Shard> parse_shard(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail(ErrorCode::kUsage, fmt::format("bad shard \"{}\"", text), "--shard",
                "write I/N, e.g. --shard 0/4 for the first of four shards");
  }
  auto index = to_number(text.substr(0, slash));
  auto count = to_number(text.substr(slash + 1));
  if (!index || !count) {
    return fail(ErrorCode::kUsage, fmt::format("bad shard \"{}\"", text), "--shard",
                "write I/N, e.g. --shard 0/4 for the first of four shards");
  }
  return checked(*index, *count, "--shard");
}

Result<Shard> shard_from_environment(std::string_view source, const Environment& env,
                                     std::optional<int> count) {
  if (source == "slurm") {
    const char* hint = "run inside `sbatch --array=...`, or give --shard I/N";
    auto id = env_number(env, "SLURM_ARRAY_TASK_ID", hint);
    if (!id) return tl::make_unexpected(id.error());
    auto total = env_number(env, "SLURM_ARRAY_TASK_COUNT", hint);
    if (!total) return tl::make_unexpected(total.error());
    long long min = 0;
    long long step = 1;
    if (env.get("SLURM_ARRAY_TASK_MIN")) {
      auto m = env_number(env, "SLURM_ARRAY_TASK_MIN", hint);
      if (!m) return tl::make_unexpected(m.error());
      min = *m;
    }
    if (env.get("SLURM_ARRAY_TASK_STEP")) {
      auto s = env_number(env, "SLURM_ARRAY_TASK_STEP", hint);
      if (!s) return tl::make_unexpected(s.error());
      step = *s > 0 ? *s : 1;
    }
    return checked((*id - min) / step, *total, "SLURM_ARRAY_TASK_ID");
  }
  if (source == "k8s") {
    const char* hint = "run as a Kubernetes Indexed Job (completionMode: Indexed), or give --shard";
    auto index = env_number(env, "JOB_COMPLETION_INDEX", hint);
    if (!index) return tl::make_unexpected(index.error());
    long long total = 0;
    if (count) {
      total = *count;
    } else {
      auto from_env = env_number(env, "AGENTRY_SHARD_COUNT",
                                 "give --shard-count N (the Job's completions) or set "
                                 "AGENTRY_SHARD_COUNT in the pod spec");
      if (!from_env) return tl::make_unexpected(from_env.error());
      total = *from_env;
    }
    return checked(*index, total, "JOB_COMPLETION_INDEX");
  }
  return fail(ErrorCode::kUsage, fmt::format("unknown shard source \"{}\"", source), "--shard-from",
              "use slurm or k8s");
}

bool in_shard(const BatchTask& task, const Shard& shard, ShardBy by) {
  if (shard.whole()) return true;
  if (by == ShardBy::kIndex)
    return task.index % static_cast<std::size_t>(shard.count) ==
           static_cast<std::size_t>(shard.index);
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : task.id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash % static_cast<std::uint64_t>(shard.count) == static_cast<std::uint64_t>(shard.index);
}

}  // namespace agentry::batch
