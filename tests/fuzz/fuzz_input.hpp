#pragma once
// Helpers shared by the fuzz targets: turning libFuzzer's bytes into what a parser takes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace agentry::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A stream and where to cut it, as network reads would: the first kHeader bytes give the chunk
/// lengths (1..64 bytes each, used in turn), the rest is the stream. So the fuzzer mutates the
/// split points and the bytes alike.
struct SplitStream {
  static constexpr std::size_t kHeader = 8;

  explicit SplitStream(std::string_view input) {
    std::size_t header = input.size() < kHeader ? input.size() : kHeader;
    for (std::size_t i = 0; i < header; ++i)
      lengths.push_back(static_cast<unsigned char>(input[i]) % 64 + 1);
    body = input.substr(header);
  }

  /// The body cut into chunks.
  std::vector<std::string_view> chunks() const {
    std::vector<std::string_view> out;
    std::string_view rest = body;
    for (std::size_t i = 0; !rest.empty(); ++i) {
      std::size_t n = lengths.empty() ? rest.size() : lengths[i % lengths.size()];
      out.push_back(rest.substr(0, n));
      rest.remove_prefix(out.back().size());
    }
    return out;
  }

  std::vector<std::size_t> lengths;
  std::string_view body;
};

}  // namespace agentry::fuzz

/// A property the target checks; a failure aborts, which libFuzzer and the replay both report.
#define AGENTRY_FUZZ_CHECK(condition)                                                         \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
