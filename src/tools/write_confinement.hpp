#pragma once
/// Confining the writes of the tools that run a program which writes files itself (rustfmt
/// apply, clippy_fix). Those programs follow the crate's own directions: `#[path = "/abs/x.rs"]`
/// makes rustfmt format, and rustc compile (so clippy fix), a file anywhere, and a symlinked
/// source file is written through. So before the writing run, agentry asks what it would write
/// (rustfmt: the files `cargo fmt --check` reports; clippy: every source rustc compiled for the
/// local crates, from rustc's dep-info) and refuses the run, naming the file, when one of them
/// resolves outside the workspace or into a settings folder (.git, .agentry, .claude,
/// .opencode), whether or not the sandbox is on.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/workspace.hpp"

namespace agentry::tools {

/// Why a run that would write `files` must not happen, for the model, or nullopt. Each file is
/// resolved as the kernel would (relative ones from `base`, through every symlink); one below a
/// folder of `generated` (the cargo target folder: build output, never a source to protect) is
/// let through.
std::optional<std::string> confinement_problem(const Workspace& workspace,
                                               const std::vector<std::filesystem::path>& files,
                                               const std::filesystem::path& base,
                                               const std::vector<std::filesystem::path>& generated);

/// The sources rustc compiled for the crates built from local (path) packages, read from the
/// dep-info file beside each artifact that cargo's `--message-format=json` output names.
/// Relative entries stay relative (to cargo's workspace root). A library's dep-info file that
/// cannot be read is listed apart, so that the caller refuses rather than guesses.
struct CompiledSources {
  std::vector<std::filesystem::path> files;
  std::vector<std::filesystem::path> unreadable;
};
CompiledSources compiled_sources(std::string_view cargo_json);

/// The folder cargo builds into for `cargo_root`: CARGO_TARGET_DIR as the tools set it, else
/// `cargo_root`/target.
std::filesystem::path cargo_target_folder(const std::optional<std::filesystem::path>& configured,
                                          const Workspace& workspace,
                                          const std::filesystem::path& cargo_root);

}  // namespace agentry::tools
