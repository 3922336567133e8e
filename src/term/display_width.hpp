#pragma once
/// Terminal columns of UTF-8 text, for laying out the prompt, the live region and code frames.
/// Wide (East Asian, emoji) characters count two, combining marks zero, everything else one.
/// Text passed here is already free of control sequences (terminal_safe).
#include <cstddef>
#include <string>
#include <string_view>

namespace agentry::term {

/// Decodes the code point at `pos` and advances `pos` past it; malformed bytes decode as one
/// U+FFFD each, so no input can stall a loop.
char32_t next_code_point(std::string_view text, std::size_t& pos);

/// Columns one code point takes: 0, 1 or 2.
int code_point_width(char32_t c);

/// Columns `text` takes on one row.
int display_width(std::string_view text);

/// The longest prefix of `text` that fits in `columns`, cut at a code point boundary.
std::string_view fit_prefix(std::string_view text, int columns);

/// `text` cut to `columns`, ending in "…" when cut.
std::string truncate_to_width(std::string_view text, int columns);

/// `text` without ANSI SGR sequences ("\x1b[...m"), for measuring styled strings.
std::string without_sgr(std::string_view text);

/// Byte offset of the code point before `pos` (0 at the start).
std::size_t previous_boundary(std::string_view text, std::size_t pos);

/// Byte offset of the code point after `pos` (text.size() at the end).
std::size_t next_boundary(std::string_view text, std::size_t pos);

}  // namespace agentry::term
