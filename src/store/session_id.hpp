#pragma once
/// Session ids: 26-character ULIDs (Crockford base32; 48 bits of milliseconds since the epoch,
/// then 80 random bits). They sort by creation time as plain strings, need no coordination
/// between processes, and a unique prefix of one names a session the way a short git hash does.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace agentry::store {

/// Length of every session id.
inline constexpr std::size_t kSessionIdLength = 26;

/// The id for `unix_ms` (only its low 48 bits) and the 80 random bits in `random`.
std::string format_session_id(std::uint64_t unix_ms, const std::array<std::uint8_t, 10>& random);

/// True when `text` is a well-formed id or id prefix (Crockford base32, any case, ≤ 26 chars).
bool is_session_id_prefix(std::string_view text);

/// `text` upper-cased, the canonical spelling of an id or prefix.
std::string canonical_session_id(std::string_view text);

/// Makes ids that are strictly increasing within one generator, even when several are made in
/// the same millisecond or the clock steps back (the random part is then incremented), and
/// unique across processes through fresh random bits. Not thread-safe; not to be shared across
/// fork().
class SessionIdGenerator {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using RandomFill = std::function<void(std::array<std::uint8_t, 10>&)>;

  /// An empty `clock` means the system clock; an empty `random` the operating system's random
  /// source. Tests inject both.
  explicit SessionIdGenerator(Clock clock = {}, RandomFill random = {});

  std::string next();

 private:
  Clock clock_;
  RandomFill random_;
  std::uint64_t last_ms_ = 0;
  std::array<std::uint8_t, 10> last_random_{};
  bool has_last_ = false;
};

}  // namespace agentry::store
