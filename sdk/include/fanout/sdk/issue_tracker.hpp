#pragma once
// IssueTracker: where issues come from (GitHub, Linear, Jira, files in the repo).

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fanout::sdk {

/// An issue as the agent will see it. `body` is Markdown (trackers convert their own
/// formats, e.g. Jira's ADF, before returning it).
struct Issue {
  std::string key;   ///< tracker-unique and stable: "42", "ENG-123", "PROJ-7", "add-health"
  std::string title;
  std::string body;
  std::string state; ///< the tracker's own state name, lower-case ("open", "in progress")
  std::vector<std::string> labels;
  std::string url;   ///< where a human opens it; may be a file:// URL
};

/// Filters for `list`. Empty fields do not filter. A tracker that cannot filter on a field
/// server-side filters client-side.
struct IssueQuery {
  std::vector<std::string> labels; ///< issues carrying all of these
  std::string state;               ///< "" means the tracker's notion of open
  std::string assignee;
  std::string milestone;
  int limit = 0;                   ///< 0 means no limit
};

/// Reads and annotates issues. Calls block. Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class IssueTracker {
public:
  virtual ~IssueTracker() = default;

  /// Issues matching `query`, following pagination to the end (or `limit`).
  virtual Result<std::vector<Issue>> list(const IssueQuery& query, const CancelToken& cancel) = 0;

  /// One issue by key. FailureKind::not_found names the key when it does not exist.
  virtual Result<Issue> get(const std::string& key, const CancelToken& cancel) = 0;

  /// Appends a Markdown comment to the issue.
  virtual Result<void> comment(const std::string& key, const std::string& markdown,
                               const CancelToken& cancel) = 0;

  /// Writes the one comment fanout keeps per issue (its status): creates it when
  /// `comment_id` is "", otherwise edits that comment in place. Returns the comment's id,
  /// which the host stores and passes next time. When `comment_id` no longer exists (a
  /// person deleted it) the tracker creates a new one and returns its id. Default:
  /// unsupported (the host then falls back to nothing, not to a new comment per event).
  /// Since ABI 3.0.
  virtual Result<std::string> put_comment(const std::string& key, const std::string& comment_id,
                                          const std::string& markdown, const CancelToken& cancel) {
    (void)key, (void)comment_id, (void)markdown, (void)cancel;
    return fail(FailureKind::unsupported, "this tracker cannot edit comments");
  }

  /// Moves the issue to the named state ("in progress", "done"); trackers map it to their
  /// own workflow (Linear: the team's workflow state of that name; Jira: the transition that
  /// leads to that status; GitHub: "open" or "closed"). Names compare case-insensitively.
  /// FailureKind::not_found names the state and lists the ones available. Default: unsupported.
  virtual Result<void> set_state(const std::string& key, const std::string& state,
                                 const CancelToken& cancel) {
    (void)key, (void)state, (void)cancel;
    return fail(FailureKind::unsupported, "this tracker cannot change issue states");
  }

  /// Adds and removes labels. Default: unsupported.
  virtual Result<void> set_labels(const std::string& key, const std::vector<std::string>& add,
                                  const std::vector<std::string>& remove, const CancelToken& cancel) {
    (void)key, (void)add, (void)remove, (void)cancel;
    return fail(FailureKind::unsupported, "this tracker cannot change labels");
  }

  /// Whether a pull request opened on the code host plugin named `code_host` closes one of
  /// this tracker's issues when merged if its body says "Closes #<key>" (GitHub issues and
  /// GitHub pull requests). The pipeline then starts the body with that line for numeric
  /// keys; otherwise it links the issue's URL. No I/O; callable from any thread.
  /// Default: false.
  virtual bool closed_by_number(std::string_view code_host) const {
    (void)code_host;
    return false;
  }
};

} // namespace fanout::sdk
