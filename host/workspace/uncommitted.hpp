#pragma once
// Uncommitted work in a workspace: what `clean` refuses to delete without --force, and what
// `doctor` and the Ctrl-C line of `up` look at to print a clean command that works.

#include "host/config/config.hpp"

#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::workspace {

/// Paths with uncommitted changes in the worktree at `worktree` (modified, staged, deleted or
/// untracked; git status order), leaving out what fanout itself puts there: the env file and
/// the `copy` and `reuse` entries of `config`. Empty when `worktree` holds no checkout, or an
/// unfinished one (git killed mid-checkout: only HEAD's files, as far as they were written).
/// What counts is what `git status` says (git::changed_paths(), host/git/cli.hpp): clean filters, git-lfs
/// and line-ending rules included. A failure when the status cannot be read. Any thread.
sdk::Result<std::vector<std::string>> uncommitted_work(const config::WorkspaceConfig& config, const std::filesystem::path& worktree);

/// "2 uncommitted changes, e.g. build.out, src/a.ts": the count and the first three paths.
std::string describe_uncommitted(const std::vector<std::string>& paths);

} // namespace fanout::workspace
