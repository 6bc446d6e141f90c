#pragma once
// The git reads (and ref and config writes) a workspace needs, on libgit2, in-process. One
// Repo per thread (libgit2 objects are not shared across threads). Failures are values
// ("<what>: <libgit2's message>"). What only git does exactly (checkout, status) is in cli.hpp.

#include <fanout/sdk/result.hpp>

#include <git2.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fanout::git {

/// An open repository (the main checkout or a linked worktree).
class Repo {
public:
  /// Opens the repository at `path` (a work tree root). Initialises libgit2 on first use.
  /// Failure: "cannot open git repository \"<path>\": <why>".
  static sdk::Result<Repo> open(const std::filesystem::path& path);

  /// Short name of the branch HEAD points to ("main"); "" when HEAD is detached.
  sdk::Result<std::string> head_branch() const;

  /// The repository's default branch, the base when [workspace] base is unset: the target
  /// of refs/remotes/origin/HEAD ("main" for origin/main) when it exists; else the
  /// init.defaultBranch config when that branch exists locally; else "main", else
  /// "master" when they exist; else head_branch() (a repository with only a feature branch).
  sdk::Result<std::string> default_branch() const;

  /// The commit `spec` names, as 40 hex digits; a failure when there is none.
  sdk::Result<std::string> commit_of(const std::string& spec) const;

  sdk::Result<bool> branch_exists(const std::string& name) const;

  /// Local branch names, sorted.
  sdk::Result<std::vector<std::string>> branches() const;

  /// Creates local branch `name` at `start` (a revspec: "main", "origin/main", an oid).
  sdk::Result<void> create_branch(const std::string& name, const std::string& start);

  /// Deletes local branch `name` with its config section (so its owner, below, goes too);
  /// a missing branch is not an error.
  sdk::Result<void> delete_branch(const std::string& name);

  /// The value of git config `key` as git would read it for this repository (system, global,
  /// XDG, local and worktree files); nullopt when unset.
  sdk::Result<std::optional<std::string>> config_value(const std::string& key) const;

  /// The issue key recorded as the owner of branch `name` (config
  /// branch.<name>.fanoutIssue); "" when none is (a branch made by hand, or before owners
  /// were recorded).
  sdk::Result<std::string> branch_owner(const std::string& name) const;

  /// Records `key` as the owner of branch `name`, in the repository's local config. Callers
  /// serialise it (a state store transaction): concurrent config writers fail on git's lock.
  sdk::Result<void> set_branch_owner(const std::string& name, const std::string& key);

  /// The commit branch `name` was created at, from the oldest entry of its reflog when that
  /// entry is the creation; "" when unknown (no reflog, or its start has expired).
  std::string branch_start(const std::string& name) const;

  /// True when the tip of `branch` is `base`'s tip or one of its ancestors: deleting the
  /// branch loses no commit. (A branch with no commits of its own is merged in this sense.)
  sdk::Result<bool> is_merged(const std::string& branch, const std::string& base) const;

  /// Where branch `name` is checked out: the main checkout's or a present linked worktree's
  /// path; "" when nowhere (git refuses to delete a branch checked out anywhere).
  std::filesystem::path checked_out_in(const std::string& name) const;

  /// The repository's common git directory (".git" of the main checkout), where linked
  /// worktrees are registered (linked_worktree.hpp).
  std::filesystem::path common_dir() const;

private:
  explicit Repo(git_repository* repo) : m_repo(repo) {}
  git_repository* get() const { return m_repo.get(); }

  struct Free {
    void operator()(git_repository* repo) const noexcept { git_repository_free(repo); }
  };
  std::unique_ptr<git_repository, Free> m_repo;
};

/// The URL of remote `name` ("origin") of the repository at `repo_root`; nullopt when there is
/// no such remote or no repository.
std::optional<std::string> remote_url(const std::filesystem::path& repo_root, const std::string& name);

/// The path git config `key` names for the repository at `repo_root` (any level; "~/"
/// expanded, as git_config_get_path does); nullopt when unset or no repository.
std::optional<std::filesystem::path> config_path(const std::filesystem::path& repo_root, const std::string& key);

/// Sets extensions.worktreeConfig in the repository's config unless it is on already, so
/// each linked worktree reads its own config.worktree (git 2.20+). Does nothing when
/// `repo_root` holds no repository. Config writes fail on a concurrent writer's lock:
/// callers serialise them. Failure: "cannot set extensions.worktreeConfig in the
/// repository's git config: <libgit2's message>".
sdk::Result<void> enable_worktree_config(const std::filesystem::path& repo_root);


} // namespace fanout::git
