#pragma once
// LocalCodeHost: "pull requests" for branches of this repository, with no forge. Each is a
// JSON record <prs_dir>/<id>.json (ids 1, 2, ...), a rendered <id>.md for humans, and its
// reviews appended to <id>-reviews.json. A PR is merged when its head branch is an
// ancestor of its base (`git merge-base --is-ancestor`, run through the host's process
// runner). push() does nothing: the branch already lives in the repository.
//
// After a PR is open (local_pull_activity.cpp): its checks are one run of the trusted
// `ci_command` per head commit, kept under <prs_dir>/<id>/checks/; people leave comments
// as files under <prs_dir>/<id>/comments/ and replies go to <prs_dir>/<id>/replies/; whether
// it merges is `git merge-tree --write-tree` against the base. docs/running.md#code-hosts.

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <mutex>

namespace fanout::local {

class LocalCodeHost final : public sdk::CodeHost {
public:
  /// Reads `prs_dir` (relative to the repo root) from the host's config.
  explicit LocalCodeHost(sdk::Host& host);

  sdk::Result<void> push(const std::filesystem::path& worktree, const std::string& branch, const sdk::PushOptions& options,
                         const sdk::CancelToken& cancel) override;
  sdk::Result<std::optional<sdk::PullRequest>> find(const std::string& branch, const sdk::CancelToken& cancel) override;
  sdk::Result<sdk::PullRequest> open(const sdk::PullRequestDraft& draft, const sdk::CancelToken& cancel) override;
  sdk::Result<sdk::PullRequest> update(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override;
  sdk::Result<sdk::PullRequest> get(const std::string& id, const sdk::CancelToken& cancel) override;
  sdk::Result<void> review(const sdk::PullRequest& pr, const sdk::PullRequestReview& review,
                           const sdk::CancelToken& cancel) override;
  sdk::Result<std::vector<sdk::Check>> checks(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override;
  sdk::Result<std::string> check_log(const sdk::PullRequest& pr, const sdk::Check& check, std::size_t max_bytes,
                                     const sdk::CancelToken& cancel) override;
  sdk::Result<std::vector<sdk::PullRequestComment>> comments(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override;
  sdk::Result<std::string> reply(const sdk::PullRequest& pr, const sdk::PullRequestComment& to, const std::string& markdown,
                                 const sdk::CancelToken& cancel) override;

private:
  /// `git <args>` in `workdir` (the repo root when empty) through the host's runner.
  sdk::Result<sdk::ProcessResult> git(const std::vector<std::string>& args, const sdk::CancelToken& cancel,
                                      const std::filesystem::path& workdir = {}) const;
  /// The commit refs/heads/<branch> points at, or "" when the branch does not exist.
  sdk::Result<std::string> branch_head(const std::string& branch, const sdk::CancelToken& cancel) const;
  /// Fills head_sha and, for an open PR, mergeable (merge-tree of head into base).
  sdk::Result<void> fill_merge_state(sdk::PullRequest& pr, const sdk::CancelToken& cancel) const;
  /// Runs ci_command on commit `sha` of `branch` and records the result as <id>/checks/<sha>.{json,log}.
  sdk::Result<nlohmann::json> run_ci(const std::string& id, const std::string& branch, const std::string& sha,
                                     const sdk::CancelToken& cancel);
  /// The worktree that has `branch` checked out at `sha` with no local changes, or "".
  std::filesystem::path clean_worktree_of(const std::string& branch, const std::string& sha,
                                          const sdk::CancelToken& cancel) const;

  std::filesystem::path record_path(const std::string& id) const;
  std::string shown(const std::string& file) const;
  sdk::Result<sdk::PullRequest> read(const std::string& id) const;
  sdk::Result<void> write(const sdk::PullRequest& pr, const nlohmann::json& extra);
  /// Marks an open PR merged when git says its head is in its base (and records that).
  sdk::Result<sdk::PullRequest> refresh(sdk::PullRequest pr, const sdk::CancelToken& cancel);

  sdk::Host& m_host;
  std::filesystem::path m_dir; ///< absolute
  std::string m_dir_shown;     ///< as configured: ".fanout/prs"
  std::string m_author;        ///< written on replies
  std::string m_ci_command;    ///< trusted config: a shell command; "" runs no checks
  std::chrono::milliseconds m_ci_timeout;
  std::mutex m_write;
};

} // namespace fanout::local
