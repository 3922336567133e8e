#pragma once
/// Project instructions: the AGENTS.md files (a folder's CLAUDE.md when it has none) that teams
/// keep for every coding agent, read as Codex, Claude Code and opencode read them, for the system
/// prompt of every agent.
///
/// What is read, in the order it goes into the prompt: the user's files (given by app:
/// ~/.config/agentry/AGENTS.md, ~/.claude/CLAUDE.md), then one file per folder from the
/// repository root (the nearest folder above the working directory holding `.git`; without one,
/// the working directory alone) down to the working directory, the most specific last. Each file
/// is followed by the files it imports with Claude Code's `@path` (`@docs/build.md`,
/// `@~/notes.md`; on its own or inline, not in code spans or fenced blocks, not an e-mail
/// address), relative to the importing file, at most kMaxImportDepth deep; a file already read is
/// not read again, and an import cycle is refused with a warning.
///
/// The project's files are somebody else's text: they are read below a descriptor of the
/// repository root (tools/beneath.hpp) and an import that leaves it (`..`, an absolute path,
/// `@~/…`, a symlink leading out) is refused with a warning, so a repository cannot put the
/// user's other files (~/.ssh) into a prompt sent to a provider. The user's files may import
/// anything the user can read. Only regular files are read (a FIFO cannot hang the start), and no
/// more than the cap: past `max_bytes` of text in all, the file that crosses it is cut and the
/// rest left out, with a warning naming them.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace agentry::engine {

inline constexpr int kMaxImportDepth = 5;
inline constexpr std::size_t kInstructionsMaxBytes = 64 * 1024;

struct InstructionSources {
  /// The user's files in the order read; missing ones are skipped silently. A file that is the
  /// same (or says the same) as one before it is read once.
  std::vector<std::filesystem::path> user_files;
  /// The user's home: `~/` in the user's imports, and how the user's paths are shown.
  std::filesystem::path home;
  /// The most bytes of instructions in all (the files' text, not the headings).
  std::size_t max_bytes = kInstructionsMaxBytes;
};

/// One file as it goes into the prompt.
struct InstructionFile {
  /// How the prompt names it: relative to the repository root ("AGENTS.md",
  /// "crates/core/AGENTS.md"), or `~/…` (an absolute path outside the home) for the user's.
  std::string shown;
  std::filesystem::path path;  ///< where it was read (symlinks resolved)
  std::string imported_by;     ///< `shown` of the file that imported it; empty when found
  std::string text;            ///< valid UTF-8; cut (with a marker) when over the cap
};

struct Instructions {
  std::vector<InstructionFile> files;
  /// Everything refused, unreadable or cut: "file:line: what, why, what to do".
  std::vector<std::string> warnings;
};

/// The user's files, then the project's for `cwd` (an absolute, canonical folder), with their
/// imports.
Instructions load_instructions(const std::filesystem::path& cwd, const InstructionSources& sources);

/// The repository root of `cwd`: the nearest folder (cwd included) holding `.git` (a folder, or
/// a worktree's file); `cwd` itself when there is none.
std::filesystem::path repository_root(const std::filesystem::path& cwd);

/// An `@path` import as written in a file, and its 1-based line.
struct ImportMention {
  std::string path;
  int line = 0;
};

/// The `@path` imports of a markdown text: an `@` at the start of a line or after white space,
/// outside inline code spans and fenced code blocks, followed by the path up to the next white
/// space (trailing punctuation, as in "see @docs/build.md.", is not part of it).
std::vector<ImportMention> find_imports(std::string_view markdown);

}  // namespace agentry::engine
