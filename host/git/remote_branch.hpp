#pragma once
// A branch as it travels to and from a git remote for a session that runs elsewhere (a
// remote runner): where the remote is, what it has, the push of a start commit and the
// fast-forward of the worktree to the commits the session pushed. The git CLI through the
// process runner, like every git fanout runs (host/git/cli.hpp).

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/process.hpp>
#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>

namespace fanout::git {

/// `git remote get-url <remote>` in `repo`, with any user name and password taken out of the
/// URL ("https://user:token@host/x.git" -> "https://host/x.git"): whoever clones it adds
/// credentials of its own. Failure: `no git remote "<remote>" in "<repo>"`, else git's.
sdk::Result<std::string> remote_url(sdk::ProcessRunner& runner, const std::filesystem::path& repo,
                                    const std::string& remote, const sdk::CancelToken& cancel);

/// The commit `branch` points at on `remote` (`git ls-remote`), "" when it has no such branch.
sdk::Result<std::string> remote_head(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                                     const std::string& remote, const std::string& branch,
                                     const sdk::CancelToken& cancel);

/// `git fetch --quiet <remote> refs/heads/<branch>`: the branch's commits into the repository.
sdk::Result<void> fetch_branch(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                               const std::string& remote, const std::string& branch, const sdk::CancelToken& cancel);

/// `git push --quiet <remote> <commit>:refs/heads/<branch>` (never forced).
sdk::Result<void> push_commit(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& remote, const std::string& commit, const std::string& branch,
                              const sdk::CancelToken& cancel);

/// Whether `ancestor` is `commit` or one of its ancestors (`git merge-base --is-ancestor`).
sdk::Result<bool> is_ancestor(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                              const std::string& ancestor, const std::string& commit, const sdk::CancelToken& cancel);

/// Moves the worktree's branch forward to `commit` (`git merge --ff-only`), which must be
/// in the repository already (fetch_branch). Fails, changing nothing, when that is not a
/// fast-forward or uncommitted changes are in the way.
sdk::Result<void> fast_forward(sdk::ProcessRunner& runner, const std::filesystem::path& worktree,
                               const std::string& commit, const sdk::CancelToken& cancel);

} // namespace fanout::git
