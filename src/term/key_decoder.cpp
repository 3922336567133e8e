#include "term/key_decoder.hpp"

namespace agentry::term {

namespace {

constexpr std::string_view kPasteStart = "\x1b[200~";
constexpr std::string_view kPasteEnd = "\x1b[201~";

/// Bytes a UTF-8 sequence starting with `b` has, 1 for anything malformed.
std::size_t sequence_length(unsigned char b) {
  if (b < 0xC0) return 1;
  if (b < 0xE0) return 2;
  if (b < 0xF0) return 3;
  if (b < 0xF8) return 4;
  return 1;
}

KeyCode control_key(unsigned char c) {
  switch (c) {
    case 0x01:
      return KeyCode::kHome;
    case 0x02:
      return KeyCode::kLeft;
    case 0x03:
      return KeyCode::kInterrupt;
    case 0x04:
      return KeyCode::kEof;
    case 0x05:
      return KeyCode::kEnd;
    case 0x06:
      return KeyCode::kRight;
    case 0x08:
    case 0x7F:
      return KeyCode::kBackspace;
    case 0x09:
      return KeyCode::kTab;
    case 0x0A:
    case 0x0D:
      return KeyCode::kEnter;
    case 0x0B:
      return KeyCode::kKillToEnd;
    case 0x0C:
      return KeyCode::kClearScreen;
    case 0x0E:
      return KeyCode::kDown;
    case 0x10:
      return KeyCode::kUp;
    case 0x15:
      return KeyCode::kKillToStart;
    case 0x17:
      return KeyCode::kKillWord;
    case 0x19:
      return KeyCode::kYank;
    case 0x1A:
      return KeyCode::kSuspend;
    default:
      return KeyCode::kUnknown;
  }
}

/// The key a complete CSI sequence (parameters and final byte) stands for.
KeyCode csi_key(std::string_view params, char final_byte) {
  bool modified = params.find(';') != std::string_view::npos;
  switch (final_byte) {
    case 'A':
      return KeyCode::kUp;
    case 'B':
      return KeyCode::kDown;
    case 'C':
      return modified ? KeyCode::kWordRight : KeyCode::kRight;
    case 'D':
      return modified ? KeyCode::kWordLeft : KeyCode::kLeft;
    case 'H':
      return KeyCode::kHome;
    case 'F':
      return KeyCode::kEnd;
    case 'u':
      return params.starts_with("13;") ? KeyCode::kNewline : KeyCode::kUnknown;
    case '~':
      if (params == "1" || params == "7") return KeyCode::kHome;
      if (params == "4" || params == "8") return KeyCode::kEnd;
      if (params == "3") return KeyCode::kDelete;
      if (params.starts_with("27;") && params.ends_with(";13")) return KeyCode::kNewline;
      return KeyCode::kUnknown;
    default:
      return KeyCode::kUnknown;
  }
}

std::string normalise_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace

std::vector<Key> KeyDecoder::feed(std::string_view bytes) {
  buffer_.append(bytes);
  std::vector<Key> out;
  while (!buffer_.empty()) {
    if (in_paste_) {
      auto end = buffer_.find(kPasteEnd);
      if (end == std::string::npos) {
        // Keep a possible partial end marker for the next read.
        std::size_t keep = std::min(buffer_.size(), kPasteEnd.size() - 1);
        paste_.append(buffer_, 0, buffer_.size() - keep);
        buffer_.erase(0, buffer_.size() - keep);
        break;
      }
      paste_.append(buffer_, 0, end);
      buffer_.erase(0, end + kPasteEnd.size());
      finish_paste(out);
      continue;
    }
    if (!decode_one(out)) break;
  }
  return out;
}

std::vector<Key> KeyDecoder::flush() {
  std::vector<Key> out;
  if (in_paste_) return out;
  if (buffer_.starts_with('\x1b')) {
    out.push_back({KeyCode::kEscape, {}});
    buffer_.erase(0, 1);
    auto rest = feed({});
    out.insert(out.end(), rest.begin(), rest.end());
  }
  buffer_.clear();
  return out;
}

void KeyDecoder::finish_paste(std::vector<Key>& out) {
  in_paste_ = false;
  out.push_back({KeyCode::kPaste, normalise_newlines(paste_)});
  paste_.clear();
}

bool KeyDecoder::decode_one(std::vector<Key>& out) {
  auto c = static_cast<unsigned char>(buffer_[0]);
  if (c == 0x1B) return decode_escape(out);
  if (c < 0x20 || c == 0x7F) {
    out.push_back({control_key(c), {}});
    buffer_.erase(0, 1);
    return true;
  }
  // A run of printable text, whole UTF-8 characters only.
  std::size_t pos = 0;
  while (pos < buffer_.size()) {
    auto b = static_cast<unsigned char>(buffer_[pos]);
    if (b < 0x20 || b == 0x7F || b == 0x1B) break;
    std::size_t len = sequence_length(b);
    if (pos + len > buffer_.size()) break;
    pos += len;
  }
  if (pos == 0) return false;  // an unfinished character: wait
  if (!out.empty() && out.back().code == KeyCode::kText) {
    out.back().text.append(buffer_, 0, pos);
  } else {
    out.push_back({KeyCode::kText, buffer_.substr(0, pos)});
  }
  buffer_.erase(0, pos);
  return true;
}

bool KeyDecoder::decode_escape(std::vector<Key>& out) {
  if (buffer_.size() < 2) return false;
  char second = buffer_[1];
  if (second == '[') {
    std::size_t i = 2;
    while (i < buffer_.size() && !(buffer_[i] >= 0x40 && buffer_[i] <= 0x7E))
      ++i;
    if (i >= buffer_.size()) return false;
    std::string_view seq(buffer_.data(), i + 1);
    if (seq == kPasteStart) {
      buffer_.erase(0, i + 1);
      in_paste_ = true;
      return true;
    }
    out.push_back({csi_key(seq.substr(2, i - 2), buffer_[i]), {}});
    buffer_.erase(0, i + 1);
    return true;
  }
  if (second == 'O') {
    if (buffer_.size() < 3) return false;
    out.push_back({csi_key({}, buffer_[2]), {}});
    buffer_.erase(0, 3);
    return true;
  }
  KeyCode code = KeyCode::kUnknown;
  switch (second) {
    case '\r':
    case '\n':
      code = KeyCode::kNewline;
      break;
    case 'b':
      code = KeyCode::kWordLeft;
      break;
    case 'f':
      code = KeyCode::kWordRight;
      break;
    case 0x7F:
    case 0x08:
      code = KeyCode::kKillWord;
      break;
    case 0x1B:  // ESC ESC: the first one alone
      out.push_back({KeyCode::kEscape, {}});
      buffer_.erase(0, 1);
      return true;
    default:
      break;
  }
  std::size_t len = 1 + sequence_length(static_cast<unsigned char>(second));
  if (buffer_.size() < len) return false;
  out.push_back({code, {}});
  buffer_.erase(0, len);
  return true;
}

}  // namespace agentry::term
