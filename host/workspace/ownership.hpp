#pragma once
// fanout deletes only what it can prove it made. A worktree folder is fanout's when git
// registers it as a linked worktree of this repository (its `.git` file names an admin dir
// under <common dir>/worktrees/ whose `gitdir` points back), or when fanout recorded, in the
// repository's git dir where no commit can put it, that it was about to make that folder
// and the folder did not exist yet. A symlink is never followed: a worktree path that is a
// symlink, or that reaches its place through one below `anchor`, is refused.

#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace fanout::workspace {

/// The repository's common git dir: <repo>/.git, or what a `.git` file's gitdir names
/// (through its `commondir`). Falls back to <repo>/.git.
std::filesystem::path common_git_dir(const std::filesystem::path& repo_root);

/// Records that fanout is about to make `path` (absolute), when nothing is there yet:
/// <common dir>/fanout/made/<name> holds the path. Call before creating the folder.
void mark_made(const std::filesystem::path& common_dir, const std::string& name, const std::filesystem::path& path);

/// Forgets the record of mark_made() (after the folder is gone).
void forget_made(const std::filesystem::path& common_dir, const std::string& name);

/// The first component of `path` below `anchor` that is a symlink (`path` itself
/// included), or nullopt. `path` outside `anchor`: only `path` itself is checked.
std::optional<std::filesystem::path> symlink_on_the_way(const std::filesystem::path& anchor,
                                                        const std::filesystem::path& path);

/// Where the symlink check of a worktree path starts: the repo root when the path is inside
/// the repository, else the configured workspace root (the user chose it; above it is theirs).
std::filesystem::path deletion_anchor(const std::filesystem::path& repo_root, const std::filesystem::path& workspace_root,
                                      const std::filesystem::path& path);

/// nullopt when fanout may delete the worktree folder `path` (or nothing is there); else
/// why not, e.g. "it is not a worktree of this repository and fanout did not make it".
std::optional<std::string> why_not_ours(const std::filesystem::path& common_dir, const std::string& name,
                                        const std::filesystem::path& anchor, const std::filesystem::path& path);

/// Deletes the worktree folder `path` recursively (symlinks inside are removed, never
/// followed) when why_not_ours() finds nothing against it; otherwise fails with
/// `refused to delete "<shown>": <why> (move or delete it yourself, then try again)`.
sdk::Result<void> remove_worktree_folder(const std::filesystem::path& common_dir, const std::string& name,
                            const std::filesystem::path& anchor, const std::filesystem::path& path,
                            const std::string& shown);

/// Deletes `path` recursively when no component below `anchor` (which it must be inside)
/// is a symlink; otherwise leaves it and returns why. For fanout's own folders under
/// .fanout/ (a repo could commit .fanout/workspaces as a symlink to $HOME).
std::optional<std::string> remove_own_folder(const std::filesystem::path& anchor, const std::filesystem::path& path);

} // namespace fanout::workspace
