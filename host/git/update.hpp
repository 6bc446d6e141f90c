#pragma once
// Bringing a branch up to date with its base in its worktree (`fanout watch`): a rebase or a
// merge started by git, the conflicts it leaves, continuing or aborting it; and the commits a
// push added. The git CLI through the process runner: only git rebases and merges exactly.

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::git {

/// A commit as a reply names it.
struct CommitLine {
  std::string sha; ///< full id
  std::string subject;
};

/// The commits of `from`..`to` in `worktree`, oldest first.
sdk::Result<std::vector<CommitLine>> commits_between(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                                     const std::string& from, const std::string& to,
                                                     const sdk::CancelToken& cancel);

/// Whether merging `base` into HEAD would conflict (`git merge-tree --write-tree`): the
/// local check when the code host does not say.
sdk::Result<bool> conflicts_with(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                 const std::string& base, const sdk::CancelToken& cancel);

enum class UpdateStrategy { rebase, merge };

/// Starts `git rebase <base>` or `git merge --no-edit <base>` in `worktree` (which must be
/// clean). Returns the files left in conflict, empty when git completed the update.
sdk::Result<std::vector<std::string>> start_update(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                                   const std::string& base, UpdateStrategy strategy,
                                                   const sdk::CancelToken& cancel);

/// After the conflicts were resolved in the files: stages everything and continues the
/// rebase (which may stop at the next commit: its conflicted files are returned) or
/// commits the merge. Failure when files are still unmerged or still hold conflict markers.
sdk::Result<std::vector<std::string>> continue_update(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                                      const sdk::CancelToken& cancel);

/// Aborts a rebase or merge in progress (nothing when none is).
void abort_update(sdk::ProcessRunner& runner, const std::filesystem::path& worktree);

} // namespace fanout::git
