#pragma once
/// SHA-256 (FIPS 180-4), for content-addressing the file snapshots undo keeps in the session
/// store. Small and dependency-free: the store is its only user, and speed is not a concern (a
/// snapshot is hashed once, when a writing tool call runs).
#include <string>
#include <string_view>

namespace agentry::store {

/// The digest of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace agentry::store
