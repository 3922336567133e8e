#pragma once
/// The session store's schema as an ordered list of migrations, and the code that applies them.
///
/// Version N of the schema is migrations 1..N applied in order. Each migration runs in the same
/// write transaction that records it in `schema_version`, so concurrent openers (batch shards,
/// MCP calls) serialise on it and never apply one twice. A database newer than this build is
/// refused rather than guessed at.
#include <cstdint>
#include <span>
#include <string_view>

#include "core/error.hpp"
#include "store/sqlite.hpp"

namespace agentry::store {

/// The migrations of this build; the schema version it writes is their count.
std::span<const std::string_view> session_store_migrations();

/// Applies the migrations `db` lacks and returns the resulting version. kConfig error when the
/// database records a version above migrations.size().
[[nodiscard]] Result<std::int64_t> migrate(sqlite::Database& db,
                                           std::span<const std::string_view> migrations,
                                           std::int64_t now_ms);

}  // namespace agentry::store
