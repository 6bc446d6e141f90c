#pragma once
// LocalCodeHost: "pull requests" for branches of this repository, with no forge. Each is a
// JSON record <prs_dir>/<id>.json (ids 1, 2, ...), a rendered <id>.md for humans, and its
// reviews appended to <id>-reviews.json. A PR is merged when its head branch is an
// ancestor of its base (`git merge-base --is-ancestor`, run through the host's process
// runner). push() does nothing: the branch already lives in the repository.

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

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

private:
  std::filesystem::path record_path(const std::string& id) const;
  std::string shown(const std::string& file) const;
  sdk::Result<sdk::PullRequest> read(const std::string& id) const;
  sdk::Result<void> write(const sdk::PullRequest& pr, const nlohmann::json& extra);
  /// Marks an open PR merged when git says its head is in its base (and records that).
  sdk::Result<sdk::PullRequest> refresh(sdk::PullRequest pr, const sdk::CancelToken& cancel);

  sdk::Host& m_host;
  std::filesystem::path m_dir; ///< absolute
  std::string m_dir_shown;     ///< as configured: ".fanout/prs"
  std::mutex m_write;
};

} // namespace fanout::local
