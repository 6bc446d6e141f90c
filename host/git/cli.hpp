#pragma once
// The git CLI, where only git is exact: making a worktree (checkout with the user's filters,
// git-lfs, attributes, sparse checkout, hooks), `git status` (clean filters decide what is
// modified), fetch, and the commands the pipeline, heal and `pr` run. libgit2 (repo.hpp)
// stays for fast in-process reads. Every git runs through a sdk::ProcessRunner, in its own
// process group that a cancel token or Ctrl-C kills. Failures are values (sdk::Result).

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/result.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fanout::git {

/// How one git command runs, beyond its arguments.
struct RunOptions {
  std::map<std::string, std::string> env; ///< added to the user's environment ({"LC_ALL", "C"})
  std::chrono::milliseconds timeout{0};   ///< 0: none
  std::size_t keep_bytes = 1 << 20;       ///< of stdout and stderr each (sdk::ProcessSpec::keep_bytes)
};

/// Runs `git <args>` in `workdir` through `runner`, or through a LocalProcessRunner of this
/// file when `runner` is null (so Ctrl-C's terminate_all() reaches it too). git gets the
/// user's own environment (filters and hooks see it as under git) minus what would point it
/// at another repository (GIT_DIR, GIT_WORK_TREE... as git itself clears them), and no
/// password prompt (GIT_TERMINAL_PROMPT=0: a prompt on /dev/tty would hang). Returns how git
/// ended, whatever its exit; a failure only when it could not start: the runner's own message
/// (`executable "git" not found on PATH`), which each caller words for its command.
sdk::Result<sdk::ProcessResult> run_process(sdk::ProcessRunner* runner, const std::vector<std::string>& args,
                                            const std::filesystem::path& workdir, const sdk::CancelToken& cancel,
                                            const RunOptions& options = {});

/// run_process(), and git's stdout when it exited 0. Failures: "\"git <what>\" could not
/// start: <why>" (what_of()),
/// "\"git <what>\" was cancelled" (kind cancelled), "\"git <what>\" was killed by signal <n>:
/// <stderr>", "\"git <what>\" failed: <stderr>" (shown_error()).
sdk::Result<std::string> run(sdk::ProcessRunner* runner, const std::vector<std::string>& args,
                             const std::filesystem::path& workdir, const sdk::CancelToken& cancel,
                             const RunOptions& options = {});

/// The git subcommand of `args`, for messages: "git worktree add" from {"-c", "x=y",
/// "worktree", "add", ...}; "-c" pairs, "-C <dir>" and "--no-optional-locks" are skipped.
std::string what_of(const std::vector<std::string>& args);

/// A failure of run_process() worded for the command: "\"git <what>\" could not start: <why>"
/// (what run() says; callers of run_process() that want the same wording use it too).
sdk::Failure could_not_start(const std::vector<std::string>& args, const sdk::Failure& failure);

/// git's stderr, trimmed, for a message; its last 2,000 bytes when longer (git ends with the cause).
std::string shown_error(std::string err);

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
/// thread, any process) for the whole add; waiting for it fails ("cancelled while waiting
/// for another \"git worktree add\" of this repository") when `cancel` fires.
sdk::Result<void> worktree_add(sdk::ProcessRunner* runner, const std::filesystem::path& repo_root,
                               const std::filesystem::path& lock_file, const std::filesystem::path& path,
                               const std::string& branch, unsigned workers, const sdk::CancelToken& cancel);

/// `git fetch --quiet origin <branch>` in `repo_root`. Failures: `runner`'s own when git
/// cannot start; "\"git fetch origin <branch>\" failed: <git's stderr, its first 500 bytes>".
sdk::Result<void> fetch_origin(sdk::ProcessRunner& runner, const std::filesystem::path& repo_root,
                               const std::string& branch, const sdk::CancelToken& cancel);

/// Paths `git status --porcelain` lists in the work tree at `worktree` (modified, staged,
/// deleted, unmerged or untracked; untracked folders as "dir/"; ignored files do not count),
/// excluding those equal to or under an entry of `excluded`. Untracked files are always
/// looked for (a user's status.showUntrackedFiles=no must not hide work from `clean`); git
/// writes no index refresh (--no-optional-locks).
sdk::Result<std::vector<std::string>> changed_paths(const std::filesystem::path& worktree,
                                                    const std::vector<std::string>& excluded);

/// Local and remote-tracking branches whose name starts with `prefix` ("fanout/42-"), as
/// branch names ("fanout/42-fix", for refs/remotes/origin/fanout/42-fix too), each once, in
/// `git for-each-ref` order. A failure when git fails (not a repository).
sdk::Result<std::vector<std::string>> branches_with_prefix(sdk::ProcessRunner& runner,
                                                           const std::filesystem::path& repo_root,
                                                           const std::string& prefix);

/// Threads for the checkout (checkout.workers) and the copy of dependencies: the hardware's,
/// at least 2 (writes wait on the disk, not the CPU), at most 8.
unsigned checkout_threads();

} // namespace fanout::git
