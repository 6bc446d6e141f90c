#pragma once
// The words a run leaves behind: the PR body, the findings handed to the builder, the review
// posted on the PR and the status comment on the tracker issue. Pure functions.

#include "host/pipeline/run_types.hpp"

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/issue_tracker.hpp>

#include <string>
#include <vector>

namespace fanout::pipeline {

/// Ends every review and line comment fanout posts on a pull request, hidden when rendered,
/// so that `fanout watch` never takes fanout's own words for a person's review comment.
inline constexpr std::string_view k_comment_marker = "<!-- fanout -->";

/// The PR body: the issue link ("Closes #42" when `closes_by_number`, else the issue's
/// URL), then the plan.
std::string pr_body(const sdk::Issue& issue, const std::string& plan, bool closes_by_number);

/// The open findings of a round as Markdown for the builder: one section per reviewer that
/// did not simply approve, each finding as "- **severity** `file:line`: message", evidence
/// indented below. Never includes a reviewer's transcript or summary prose beyond one line.
std::string findings_markdown(const std::vector<ReviewOutcome>& outcomes);

/// The review posted on the PR: the event (APPROVE only when every reviewer approved,
/// REQUEST_CHANGES when any requested changes, COMMENT otherwise, e.g. when one failed),
/// a body with one section per reviewer, and line comments for findings with a file and line;
/// the body and each line comment end with k_comment_marker.
sdk::PullRequestReview pr_review(const std::vector<ReviewOutcome>& outcomes, int rounds, RunState state);

/// The comment on the tracker issue once the run ends.
std::string status_comment(RunState state, const std::string& pr_url, const std::vector<ReviewOutcome>& outcomes,
                           const std::string& error);

} // namespace fanout::pipeline
