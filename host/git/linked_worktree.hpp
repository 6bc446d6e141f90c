#pragma once
// Linked worktrees as git records them: one admin folder <common dir>/worktrees/<id> each,
// whose `gitdir` file says where the worktree is (after `git worktree move` too) and whose
// `locked` file, when present, holds the reason of `git worktree lock`. Read from the files
// git writes (gitrepository-layout(5)), so fanout sees what git sees.

#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fanout::git {

/// The lock reason `git worktree add` writes while it makes a worktree; left behind only
/// when git was killed with SIGKILL before it finished.
inline constexpr const char* k_initializing_lock = "initializing";

struct LinkedWorktree {
  std::string id;                  ///< the admin folder's name
  std::filesystem::path admin;     ///< <common dir>/worktrees/<id>
  std::filesystem::path path;      ///< where git says the worktree is; empty when `gitdir` is unreadable
  bool present = false;            ///< <path>/.git exists: git would not prune it
  bool points_back = false;        ///< present, and <path>/.git is a file naming `admin`
  std::optional<std::string> lock; ///< the reason when locked ("" when locked without one)
  std::string head;                ///< the branch its HEAD is on ("refs/heads/x"); "" when detached

  /// Locked by `git worktree lock` (or by a `git worktree add` that never finished).
  bool locked() const { return lock.has_value(); }
  /// git's checkout finished: the index is written and the add's "initializing" lock is gone.
  bool complete() const;
};

/// "locked by \"git worktree lock\" (reason: \"on a USB disk\")", for messages.
std::string describe_lock(const LinkedWorktree& worktree);

/// Every registered linked worktree, by id.
std::vector<LinkedWorktree> list_worktrees(const std::filesystem::path& common_dir);

/// The registered worktree of a workspace: the one git records at `path` (a half-made one
/// too), else the one registered as `id` (the name `git worktree add` gave it, which
/// `git worktree move` keeps) that is present, points back, and has `branch` checked out:
/// the workspace after a move. A worktree made by hand for the branch has another id and is
/// never taken for the workspace's. `branch` may be "" (no second lookup). nullopt when git
/// records neither.
std::optional<LinkedWorktree> find_workspace_worktree(const std::filesystem::path& common_dir,
                                                      const std::filesystem::path& path, const std::string& branch,
                                                      const std::string& id);

/// The folder the `.git` file of `checkout` points to ("gitdir: <path>", relative to
/// `checkout` when relative), lexically normalized; nullopt when `checkout/.git` is not such
/// a file (a folder, missing, unreadable, or other text). The folder need not exist.
std::optional<std::filesystem::path> gitdir_of(const std::filesystem::path& checkout);

/// True when `path` holds a linked worktree whose checkout git finished (LinkedWorktree::complete).
bool checkout_complete(const std::filesystem::path& path);

/// Deletes the worktree's files at its path, then its admin folder, as `git worktree remove
/// --force` does but without git's refusals (callers check uncommitted work and locks
/// first). The admin folder leaves worktrees/ in one rename before it is deleted, so a
/// concurrent `git worktree add` never reads it half deleted. A failure names what could not
/// be deleted; nothing is deleted when the worktree is present but its .git does not point
/// back to the admin folder.
sdk::Result<void> remove_worktree(const LinkedWorktree& worktree);

} // namespace fanout::git
