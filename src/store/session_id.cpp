#include "store/session_id.hpp"

#include <random>

namespace agentry::store {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

char upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

/// Adds one to the 80-bit big-endian number; false when it wrapped around.
bool increment(std::array<std::uint8_t, 10>& bytes) {
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
    if (++*it != 0) return true;
  }
  return false;
}

}  // namespace

std::string format_session_id(std::uint64_t unix_ms, const std::array<std::uint8_t, 10>& random) {
  std::string out(kSessionIdLength, '0');
  // Time: 48 bits in 10 characters (the first holds only 3 bits).
  std::uint64_t t = unix_ms & ((std::uint64_t{1} << 48) - 1);
  for (int i = 9; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kAlphabet[t & 31];
    t >>= 5;
  }
  // Randomness: 80 bits in 16 characters, read five bits at a time from the most significant.
  for (std::size_t i = 0; i < 16; ++i) {
    std::size_t bit = i * 5;
    unsigned value = 0;
    for (std::size_t b = 0; b < 5; ++b, ++bit) {
      unsigned byte = random[bit / 8];
      value = (value << 1) | ((byte >> (7 - bit % 8)) & 1u);
    }
    out[10 + i] = kAlphabet[value];
  }
  return out;
}

bool is_session_id_prefix(std::string_view text) {
  if (text.empty() || text.size() > kSessionIdLength) return false;
  for (char c : text) {
    if (kAlphabet.find(upper(c)) == std::string_view::npos) return false;
  }
  return true;
}

std::string canonical_session_id(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = upper(c);
  return out;
}

SessionIdGenerator::SessionIdGenerator(Clock clock, RandomFill random)
    : clock_(std::move(clock)), random_(std::move(random)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
  if (!random_) {
    random_ = [](std::array<std::uint8_t, 10>& bytes) {
      std::random_device device;
      for (auto& b : bytes)
        b = static_cast<std::uint8_t>(device());
    };
  }
}

std::string SessionIdGenerator::next() {
  auto since_epoch = clock_().time_since_epoch();
  auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
  if (has_last_ && ms <= last_ms_) {
    // Same millisecond (or the clock went back): stay ordered by counting up from the last id.
    if (!increment(last_random_)) {
      ++last_ms_;
      random_(last_random_);
    }
  } else {
    last_ms_ = ms;
    random_(last_random_);
  }
  has_last_ = true;
  return format_session_id(last_ms_, last_random_);
}

}  // namespace agentry::store
