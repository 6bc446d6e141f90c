#pragma once
// CodeHost: where pull requests live (GitHub, or local records under .fanout/prs).

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fanout::sdk {

/// Where a pull request stands on the code host.
enum class PullRequestState {
  open,   ///< open (a draft included: see PullRequest::draft)
  closed, ///< closed without merging
  merged, ///< merged into its base
};

/// A pull request as the code host reports it.
struct PullRequest {
  std::string id;     ///< code-host-unique ("123" for GitHub's number)
  std::string url;
  std::string title;
  std::string body;   ///< Markdown
  std::string head;   ///< branch name
  std::string base;   ///< branch name
  PullRequestState state = PullRequestState::open;
  bool draft = false;
};

/// What to open. `body` already links the issue ("Closes #12" or the tracker URL).
struct PullRequestDraft {
  std::string title;
  std::string body;
  std::string head;
  std::string base;
  bool draft = false;
};

/// What a posted review does to the pull request (GitHub's review events; a code host
/// without them records the word). Hosts that refuse approving one's own pull request
/// (GitHub) fail approve and request_changes; the caller then posts a comment instead.
enum class ReviewEvent {
  approve,         ///< approves the pull request
  request_changes, ///< blocks it until the author pushes changes
  comment,         ///< comments without a verdict
};

/// A comment on one line of the diff (right side, i.e. the new file).
struct LineComment {
  std::string path;
  int line = 0;
  std::string body;
};

/// A review to post on a pull request.
struct PullRequestReview {
  ReviewEvent event = ReviewEvent::comment;
  std::string body;
  std::vector<LineComment> comments;
};

/// A review already on a pull request, as the code host shows it (for `fanout pr show`).
struct PostedReview {
  std::string author;
  std::string state;        ///< the host's own word, lower-case: "approved", "changes_requested", "commented"
  std::string body;         ///< Markdown
  std::string url;
  std::string submitted_at; ///< ISO-8601, "" when unknown
};

/// Publishes branches as pull requests. Calls block. Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class CodeHost {
public:
  virtual ~CodeHost() = default;

  /// Makes `branch` (checked out in `worktree`) visible to the code host, e.g. by running
  /// the user's own `git push` through the host's process runner. Never puts a token on a
  /// command line. A local code host does nothing.
  virtual Result<void> push(const std::filesystem::path& worktree, const std::string& branch,
                            const CancelToken& cancel) = 0;

  /// The pull request whose head is `branch`, if one exists (open, closed or merged).
  virtual Result<std::optional<PullRequest>> find(const std::string& branch,
                                                  const CancelToken& cancel) = 0;

  /// Opens a pull request. Callers `find` first; opening twice is the caller's bug.
  virtual Result<PullRequest> open(const PullRequestDraft& draft, const CancelToken& cancel) = 0;

  /// Replaces the title and body of an existing pull request.
  virtual Result<PullRequest> update(const PullRequest& pr, const CancelToken& cancel) = 0;

  /// Current state of a pull request (for `fanout clean --merged`).
  virtual Result<PullRequest> get(const std::string& id, const CancelToken& cancel) = 0;

  /// Posts a review on the pull request.
  virtual Result<void> review(const PullRequest& pr, const PullRequestReview& review,
                              const CancelToken& cancel) = 0;

  /// Reviews posted on the pull request, oldest first. Default: unsupported.
  virtual Result<std::vector<PostedReview>> reviews(const PullRequest& pr, const CancelToken& cancel) {
    (void)pr, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot list reviews");
  }
};

} // namespace fanout::sdk
