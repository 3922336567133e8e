#pragma once
/// Byte-level clean-up of agent files before they are split and parsed: the sloppiness real
/// files carry (a BOM, CRLF or lone-CR line ends, UTF-8 that was decoded as Windows-1252 and
/// encoded again). Every function keeps line numbers unchanged, so diagnostics still point at the
/// file as it is on disk.
#include <cstddef>
#include <string>

namespace agentry::agents {

/// Removes a leading UTF-8 byte-order mark; true when there was one.
bool strip_bom(std::string& text);

/// Turns CRLF and lone CR into LF.
void normalise_line_endings(std::string& text);

/// What repair_double_encoded_utf8 changed.
struct MojibakeRepair {
  std::size_t count = 0;  ///< sequences repaired; 0: the text was left alone
  int first_line = 0;     ///< 1-based position of the first one
  int first_column = 0;
  std::string first_from;  ///< e.g. "â€™"
  std::string first_to;    ///< e.g. "’"
};

/// Repairs UTF-8 that was read as Windows-1252 (or Latin-1) and written out as UTF-8 again, as in
/// `doesnâ€™t`. Only sequences that turn back into one valid multi-byte UTF-8 character are
/// touched, so ordinary accented text stays as it is.
MojibakeRepair repair_double_encoded_utf8(std::string& text);

}  // namespace agentry::agents
