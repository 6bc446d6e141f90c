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

/// Whether a pull request merges cleanly into its base, as the code host last computed it.
enum class Mergeable {
  unknown,     ///< not computed yet (GitHub computes it lazily: ask again later)
  clean,       ///< merges without conflicts (checks or reviews may still block it)
  conflicting, ///< the head conflicts with the base: the branch must be updated by hand
  behind,      ///< no conflicts, but the base moved on and the host requires an up-to-date head
};

/// Lower-case name of a mergeable state ("conflicting"), stable for JSON and `fanout status`.
constexpr const char* to_string(Mergeable mergeable) noexcept {
  switch (mergeable) {
  case Mergeable::unknown: return "unknown";
  case Mergeable::clean: return "clean";
  case Mergeable::conflicting: return "conflicting";
  case Mergeable::behind: return "behind";
  }
  return "unknown";
}

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
  std::string head_sha;  ///< the head commit's full id; "" when the host did not say (since ABI 3.0)
  /// Filled by `get` (since ABI 3.0); `find`, `open` and `update` may leave it unknown.
  Mergeable mergeable = Mergeable::unknown;
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

/// How a check on the pull request's head commit stands (a CI job, a status).
enum class CheckState {
  pending, ///< queued or running
  success, ///< passed
  failure, ///< failed, timed out, was cancelled or needs action: a fix is wanted
  neutral, ///< skipped or neutral: neither blocks nor passes
};

/// Lower-case name of a check state ("failure"), stable for JSON and `fanout status`.
constexpr const char* to_string(CheckState state) noexcept {
  switch (state) {
  case CheckState::pending: return "pending";
  case CheckState::success: return "success";
  case CheckState::failure: return "failure";
  case CheckState::neutral: return "neutral";
  }
  return "pending";
}

/// One check on a commit, from whatever the host calls them (GitHub: check runs and
/// commit statuses; the local code host: its CI command).
struct Check {
  std::string id;         ///< host-unique; what `check_log` takes
  std::string name;       ///< as people see it ("build (ubuntu)", "ci/lint")
  CheckState state = CheckState::pending;
  std::string conclusion; ///< the host's own word, lower-case ("timed_out", "action_required"); "" while pending
  std::string url;        ///< where a person reads it; may be ""
  std::string summary;    ///< the host's short description of the result; may be ""
};

/// Which of a pull request's comment threads a comment belongs to.
enum class CommentKind {
  line,         ///< on a line of the diff (GitHub: a pull request review comment)
  review,       ///< the body of a submitted review
  conversation, ///< on the pull request's conversation (GitHub: an issue comment)
};

/// A comment a person (or a bot) left on a pull request.
struct PullRequestComment {
  std::string id;        ///< host-unique and stable across calls; what `reply` answers
  CommentKind kind = CommentKind::conversation;
  std::string author;    ///< login or name
  bool author_is_bot = false; ///< the host marks the author as a bot or an app
  std::string body;      ///< Markdown
  std::string path;      ///< line comments: the file, relative to the repository root
  int line = 0;          ///< line comments: the line in the new file; 0 when outdated
  std::string in_reply_to; ///< line comments: the id of the comment this one answers, "" for a thread's first
  std::string url;
  std::string created_at; ///< ISO-8601
};

/// How to push a branch.
struct PushOptions {
  /// Replace the remote branch even when the push is not a fast-forward (after a rebase),
  /// but only while the remote branch is still at `expected_remote_head` (git's
  /// --force-with-lease=<branch>:<expected>), so that nobody else's commits are lost.
  bool force_with_lease = false;
  std::string expected_remote_head; ///< full commit id; required with force_with_lease
};

/// Publishes branches as pull requests. Calls block. Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class CodeHost {
public:
  virtual ~CodeHost() = default;

  /// Makes `branch` (checked out in `worktree`) visible to the code host, e.g. by running
  /// the user's own `git push` through the host's process runner. Never puts a token on a
  /// command line. A local code host does nothing.
  virtual Result<void> push(const std::filesystem::path& worktree, const std::string& branch,
                            const PushOptions& options, const CancelToken& cancel) = 0;

  /// The pull request whose head is `branch`, if one exists (open, closed or merged).
  virtual Result<std::optional<PullRequest>> find(const std::string& branch,
                                                  const CancelToken& cancel) = 0;

  /// Opens a pull request. Callers `find` first; opening twice is the caller's bug.
  virtual Result<PullRequest> open(const PullRequestDraft& draft, const CancelToken& cancel) = 0;

  /// Replaces the title and body of an existing pull request.
  virtual Result<PullRequest> update(const PullRequest& pr, const CancelToken& cancel) = 0;

  /// Current state of a pull request, with its head commit and mergeable state (for
  /// `fanout clean --merged` and `fanout watch`).
  virtual Result<PullRequest> get(const std::string& id, const CancelToken& cancel) = 0;

  /// Posts a review on the pull request.
  virtual Result<void> review(const PullRequest& pr, const PullRequestReview& review,
                              const CancelToken& cancel) = 0;

  /// Reviews posted on the pull request, oldest first. Default: unsupported.
  virtual Result<std::vector<PostedReview>> reviews(const PullRequest& pr, const CancelToken& cancel) {
    (void)pr, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot list reviews");
  }

  // --- After the pull request is open (`fanout watch`, since ABI 3.0). Each defaults to
  // FailureKind::unsupported; `fanout watch` then skips that part for this host and says so.

  /// The checks of the pull request's head commit (`pr.head_sha`), all pages, each check
  /// once (the latest run of a re-run check).
  virtual Result<std::vector<Check>> checks(const PullRequest& pr, const CancelToken& cancel) {
    (void)pr, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot read checks");
  }

  /// The last `max_bytes` of a check's log (GitHub: its Actions job log), or "" when the
  /// host keeps no log for it (a commit status). Lines are whole: a cut line is dropped.
  virtual Result<std::string> check_log(const PullRequest& pr, const Check& check, std::size_t max_bytes,
                                        const CancelToken& cancel) {
    (void)pr, (void)check, (void)max_bytes, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot read check logs");
  }

  /// Every comment on the pull request, of all three kinds, all pages, oldest first.
  /// Includes comments fanout itself posted: the caller filters them.
  virtual Result<std::vector<PullRequestComment>> comments(const PullRequest& pr, const CancelToken& cancel) {
    (void)pr, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot read comments");
  }

  /// Answers `to`: in its thread for a line comment, on the conversation otherwise (quoting
  /// or linking it). Returns the id of the new comment. Not retried by the host: a reply
  /// that may have been posted is not posted again by the plugin either.
  virtual Result<std::string> reply(const PullRequest& pr, const PullRequestComment& to, const std::string& markdown,
                                    const CancelToken& cancel) {
    (void)pr, (void)to, (void)markdown, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot reply to comments");
  }

  /// Asks the host to merge the base into the head on its side (GitHub's "update branch"),
  /// for a pull request that is `behind` without conflicts. A conflicting one is updated
  /// in the worktree instead, by the builder. FailureKind::conflict when the host refuses
  /// because of conflicts.
  virtual Result<void> update_branch(const PullRequest& pr, const CancelToken& cancel) {
    (void)pr, (void)cancel;
    return fail(FailureKind::unsupported, "this code host cannot update branches");
  }
};

} // namespace fanout::sdk
