#pragma once
// The git CLI where only git is exact: making a worktree (checkout with the user's filters,
// git-lfs, attributes, sparse checkout, hooks) and `git status` (clean filters decide what is
// modified). libgit2 (git_repo.hpp) stays for fast in-process reads. Every git runs through a
// sdk::ProcessRunner, in its own process group that a cancel token or Ctrl-C kills.

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/process.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::workspace {

/// Runs `git <args>` in `workdir` through `runner`, or through a LocalProcessRunner of this
/// file when `runner` is null (so Ctrl-C's terminate_all() reaches it too). Throws UserError
/// when git cannot start, was cancelled ("\"git <what>\" was cancelled") or exited non-zero
/// ("\"git <what>\" failed: <git's stderr>"), where <what> is the first of `args` after any
/// "-c x=y" pairs. Returns git's stdout.
std::string run_git(sdk::ProcessRunner* runner, const std::vector<std::string>& args,
                    const std::filesystem::path& workdir, const sdk::CancelToken& cancel);

/// `git worktree add` of `branch` at `path`, run in `repo_root` (the main checkout, so that
/// git carries its sparse-checkout settings as it does), with `checkout.workers` = `workers`
/// unless `workers` is 0 (then the user's own setting, or git's default, applies).
/// git writes everything: the admin folder .git/worktrees/<basename of path>, the files
/// through the user's filters, the index; then it runs the post-checkout hook. A git killed
/// by the cancel token removes what it made (git's own cleanup on SIGTERM).
///
/// Two `git worktree add` of one repository must not overlap: each reads every registered
/// worktree, and fails ("failed to read .git/worktrees/<id>/commondir") on one whose admin
/// folder the other is still writing. So each holds an exclusive flock on `lock_file` (any
/// thread, any process) for the whole add; waiting for it ends with a UserError when
/// `cancel` fires.
void git_worktree_add(sdk::ProcessRunner* runner, const std::filesystem::path& repo_root,
                      const std::filesystem::path& lock_file, const std::filesystem::path& path,
                      const std::string& branch, unsigned workers, const sdk::CancelToken& cancel);

/// Paths `git status --porcelain` lists in the work tree at `worktree` (modified, staged,
/// deleted, unmerged or untracked; untracked folders as "dir/"; ignored files do not count),
/// excluding those equal to or under an entry of `excluded`. Untracked files are always
/// looked for (a user's status.showUntrackedFiles=no must not hide work from `clean`); git
/// writes no index refresh (--no-optional-locks).
std::vector<std::string> git_status(const std::filesystem::path& worktree, const std::vector<std::string>& excluded);

/// Threads for the checkout (checkout.workers) and the copy of dependencies: the hardware's,
/// at least 2 (writes wait on the disk, not the CPU), at most 8.
unsigned checkout_threads();

} // namespace fanout::workspace
