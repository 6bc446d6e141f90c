#pragma once
// Reviewer: validates a pull request in a fresh context and returns a verdict with findings.

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/code_host.hpp"
#include "fanout/sdk/issue_tracker.hpp"
#include "fanout/sdk/result.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fanout::sdk {

/// A reviewer's overall answer (docs/reviewers.md#verdicts-and-findings). Only
/// request_changes sends the run into a fix round.
enum class Verdict {
  approve,              ///< nothing blocking (suggestions allowed)
  approve_with_changes, ///< only quick, unambiguous important findings: reported, no fix round
  request_changes,      ///< a critical finding, or important ones that need real work: a fix round
};

/// How much one finding matters (docs/reviewers.md#verdicts-and-findings).
enum class Severity {
  critical,   ///< wrong behaviour, data loss, a security hole, the issue not done, a failing test
  important,  ///< a real defect on a less central path, an unhandled error case, a broken rule
  suggestion, ///< would make the code better; fine to merge without
};

/// Stable lower-case names, as they appear in JSON ("request_changes", "critical").
constexpr std::string_view to_string(Verdict verdict) noexcept {
  switch (verdict) {
  case Verdict::approve: return "approve";
  case Verdict::approve_with_changes: return "approve_with_changes";
  case Verdict::request_changes: return "request_changes";
  }
  return "request_changes";
}
constexpr std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
  case Severity::critical: return "critical";
  case Severity::important: return "important";
  case Severity::suggestion: return "suggestion";
  }
  return "important";
}

/// One thing a reviewer found. `file` and `line` refer to the new side of the diff;
/// line 0 means the finding is about the file (or the change) as a whole.
struct Finding {
  Severity severity = Severity::important;
  std::string file;
  int line = 0;
  std::string message; ///< one sentence a builder can act on
  std::string detail;  ///< evidence: command output, the offending line (may be long)
};

/// A reviewer's answer.
struct Review {
  Verdict verdict = Verdict::approve;
  std::string summary; ///< Markdown, a few lines
  std::vector<Finding> findings;
};

/// The workspace the change lives in, so reviewers can run the app and its tests.
struct WorkspaceInfo {
  std::filesystem::path path;   ///< the worktree
  std::string branch;
  std::string base;             ///< the branch the change is compared against
  std::vector<int> ports;       ///< the workspace's leased ports; ports[0] is PORT
  std::map<std::string, std::string> env; ///< PORT, DATABASE_URL, FANOUT_* ...
};

/// Everything a reviewer may see. Never the builder's transcript: reviewers start fresh.
struct ReviewRequest {
  Issue issue;
  std::string diff;                 ///< unified diff base...head
  std::optional<PullRequest> pr;    ///< absent before publishing (`fanout review` offline)
  WorkspaceInfo workspace;
  std::string model;                ///< the configured review model, "" for the default
};

/// Reviews changes. A fresh instance is made for each validation round. Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class Reviewer {
public:
  virtual ~Reviewer() = default;

  /// Reviews one change. A review that ran is a Review, even a damning one; Failure means
  /// the reviewer could not do its job (agent crashed, command missing) and the host
  /// reports it as such instead of as a verdict.
  virtual Result<Review> review(const ReviewRequest& request, const CancelToken& cancel) = 0;
};

} // namespace fanout::sdk
