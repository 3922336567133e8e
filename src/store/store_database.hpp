#pragma once
/// Opening the session store's database file: directory, connection settings (busy timeout,
/// WAL, synchronous, foreign keys) and schema migration, in that order.
#include <cstdint>
#include <filesystem>

#include "core/error.hpp"
#include "store/session_store.hpp"
#include "store/sqlite.hpp"

namespace agentry::store {

/// A connection to `path`, configured by `options` and migrated to the current schema.
/// `now_ms` stamps any migration applied.
[[nodiscard]] Result<sqlite::Database> open_session_database(const std::filesystem::path& path,
                                                             const StoreOptions& options,
                                                             std::int64_t now_ms);

}  // namespace agentry::store
