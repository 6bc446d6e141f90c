#pragma once
// Files fanout puts into a worktree that are not the branch's ([workspace] copy entries,
// reuse dirs, the env file) must never land in a commit: they can hold secrets (.env,
// database passwords). Two guards: git ignores them in that worktree only (so an agent's
// `git add -A` skips them), and the pipeline checks the branch before it publishes.

#include "host/config/config.hpp"

#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fanout::workspace {

/// The paths (relative to the worktree, "/"-separated, no trailing slash) fanout copies or
/// writes into each worktree: copy entries, reuse dirs and the env file.
std::vector<std::string> private_files(const config::WorkspaceConfig& workspace);

/// Makes git ignore `files` in the linked worktree at `worktree` and nowhere else: sets
/// extensions.worktreeConfig in the repository (git 2.20+ reads it; libgit2 opens such
/// repositories) and core.excludesFile in the worktree's own config.worktree, pointing at
/// <worktree admin dir>/fanout-exclude. That file also carries the user's global excludes
/// (which the per-worktree core.excludesFile would otherwise hide). A failure when the
/// worktree's admin dir cannot be found or written. It may write the repository's git
/// config, which fails on a concurrent writer's lock: callers serialise it with other
/// config writes (WorkspaceManager::up runs it in a state store transaction).
sdk::Result<void> exclude_in_worktree(const std::filesystem::path& repo_root, const std::filesystem::path& worktree,
                                      const std::vector<std::string>& files);

/// The first of `touched` (paths a commit changed) that is one of `files` or inside one.
std::optional<std::string> first_private(const std::vector<std::string>& touched, const std::vector<std::string>& files);

} // namespace fanout::workspace
