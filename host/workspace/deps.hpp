#pragma once
// Dependencies of a workspace: gitignored files copied from the main checkout ([workspace]
// copy) and dependency folders reused when the lockfiles match ([workspace] reuse +
// key_files). A reused folder is a real copy (reflink where the filesystem can), never a
// symlink: a symlinked node_modules resolves workspace packages to the main checkout.

#include "host/config/config.hpp"
#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/result.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace fanout::workspace {

/// What copy_tree did.
struct CopyStats {
  std::size_t files = 0;
  std::size_t dirs = 0;
  std::size_t symlinks = 0;
  std::size_t bytes = 0;
  std::size_t cloned = 0; ///< files shared copy-on-write (FICLONE)
};

/// Copies `from` (a file, a symlink or a folder) to `to`, which must not exist: folders
/// recursively, symlinks as symlinks, modes and mtimes kept. Each file is cloned with
/// FICLONE when the filesystem supports it, else copied (one read and one write for small
/// files, copy_file_range for large ones), with `threads` threads. A failure naming the
/// file that failed (`cannot read "<path>": <why>`), or saying it was cancelled when
/// `cancel` fires (checked between batches of files; the partial copy is left for the
/// caller to remove).
sdk::Result<CopyStats> copy_tree(const std::filesystem::path& from, const std::filesystem::path& to, unsigned threads,
                                 const sdk::CancelToken* cancel = nullptr);

/// FNV-1a over the names and contents of `key_files` under `root` (missing files hash as
/// absent, so adding a lockfile changes the key). "" when `key_files` is empty.
std::string key_files_hash(const std::filesystem::path& root, const std::vector<std::string>& key_files);

/// What prepare_dependencies did, for the log and the setup condition.
struct DepsReport {
  std::vector<std::string> copied;     ///< [workspace] copy entries copied
  std::vector<std::string> reused;     ///< [workspace] reuse dirs copied from the main checkout
  std::vector<std::string> not_reused; ///< reuse dirs left for setup, each "dir (reason)"
  bool all_reused() const { return not_reused.empty(); }
};

/// Copies `copy` entries and reusable `reuse` dirs from `main_root` into `worktree`.
/// Entries already present in the worktree are left alone (a re-run is harmless). A
/// failure for a path that is not relative or leaves the checkout (`[workspace] copy: "../x"
/// must be a relative path inside the repository`), one that goes through a symlink in the
/// worktree, or a copy that fails (as copy_tree()).
sdk::Result<DepsReport> prepare_dependencies(const std::filesystem::path& main_root,
                                             const std::filesystem::path& worktree,
                                             const config::WorkspaceConfig& config, unsigned threads,
                                             const sdk::CancelToken* cancel = nullptr);

} // namespace fanout::workspace
