#include "store/session.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace agentry::store {

namespace {

constexpr std::size_t kMaxTitleBytes = 120;
/// What a title is trimmed of (a line: no newlines left).
constexpr std::string_view kTitleBlanks = " \t\r\f\v";

}  // namespace

const char* to_string(SessionStatus status) {
  switch (status) {
    case SessionStatus::kRunning:
      return "running";
    case SessionStatus::kDone:
      return "done";
    case SessionStatus::kError:
      return "error";
    case SessionStatus::kCancelled:
      return "cancelled";
  }
  return "running";
}

Result<SessionStatus> parse_session_status(std::string_view text) {
  for (auto status : {SessionStatus::kRunning, SessionStatus::kDone, SessionStatus::kError,
                      SessionStatus::kCancelled}) {
    if (text == to_string(status)) return status;
  }
  return fail(ErrorCode::kParse, fmt::format("unknown session status '{}'", text), "",
              "expected running, done, error or cancelled");
}

std::string make_title(std::string_view task) {
  std::string_view line;
  while (!task.empty()) {
    auto end = task.find('\n');
    line = trim(task.substr(0, end), kTitleBlanks);
    if (!line.empty() || end == std::string_view::npos) break;
    task.remove_prefix(end + 1);
  }
  if (line.size() <= kMaxTitleBytes) return std::string(line);
  std::size_t cut = kMaxTitleBytes;
  // Step back over UTF-8 continuation bytes so that no character is split.
  while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(trim(line.substr(0, cut), kTitleBlanks)) + "…";
}

}  // namespace agentry::store
