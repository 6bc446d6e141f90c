#pragma once
// What `fanout watch` reads on a pull request and writes back, as text: which comments are
// people's and still unanswered, the findings the builder gets for failing checks and for
// comments, and the replies fanout posts. Pure functions: no I/O.

#include <fanout/sdk/code_host.hpp>

#include <set>
#include <string>
#include <vector>

namespace fanout::watch {

/// Hidden in every comment fanout posts (replies, reviews) so that it never takes its own
/// words for a person's: "<!-- fanout -->", and "<!-- fanout:reply-to=<id> -->" in a reply.
inline constexpr std::string_view k_marker = "<!-- fanout";

/// True when fanout wrote `comment` (its body carries the marker).
bool from_fanout(const sdk::PullRequestComment& comment);

/// The ids of the comments that fanout's replies among `comments` answer.
std::set<std::string> answered_by_replies(const std::vector<sdk::PullRequestComment>& comments);

/// The comments fanout should act on: from people (and bots when `bots`), not fanout's own,
/// not empty, and not in `answered`. In the order given.
std::vector<sdk::PullRequestComment> to_answer(const std::vector<sdk::PullRequestComment>& comments,
                                               const std::set<std::string>& answered, bool bots);

/// A failing check with the tail of its log ("" when the host keeps none).
struct FailedCheck {
  sdk::Check check;
  std::string log_tail;
};

/// "success", "failure", "pending" or "none" (no checks): how the checks stand together.
/// Failure wins over pending: one failed check fails the head whatever else still runs.
std::string ci_state(const std::vector<sdk::Check>& checks);

/// "build (failure), lint (timed_out)": the failing checks' names for messages.
std::string check_names(const std::vector<sdk::Check>& checks);

/// The builder's findings for failing checks: each check's name, conclusion, summary and
/// log tail (fenced), secrets redacted.
std::string ci_findings(const std::vector<FailedCheck>& failed);

/// The builder's findings for review comments: each with its author, kind, and for a line
/// comment its file and line, secrets redacted.
std::string comment_findings(const std::vector<sdk::PullRequestComment>& comments);

/// A commit fanout pushed, for replies.
struct PushedCommit {
  std::string sha;
  std::string subject;
};

/// The reply to `comment`: the commits that answer it (linked under `pr_url` when it is an
/// http(s) URL), or the builder's answer when it changed nothing; ends with the markers.
std::string reply_text(const sdk::PullRequestComment& comment, const std::vector<PushedCommit>& commits,
                       const std::string& pr_url, const std::string& agent_text);

} // namespace fanout::watch
