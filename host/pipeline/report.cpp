#include "host/pipeline/report.hpp"

#include "host/services/secrets.hpp"

#include <fmt/format.h>

namespace fanout::pipeline {
namespace {

/// Every text here leaves the machine (a PR, a tracker comment) or goes to an agent: no
/// registered secret in it, whatever a reviewer or command printed (docs/security.md).
std::string redacted(const std::string& text) { return services::SecretRegistry::global().redact(text); }

bool is_number(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

std::string location(const sdk::Finding& finding) {
  if (finding.file.empty()) return "";
  return finding.line > 0 ? fmt::format(" `{}:{}`", finding.file, finding.line) : fmt::format(" `{}`", finding.file);
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out = prefix;
  for (char c : text) {
    out += c;
    if (c == '\n') out += prefix;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

/// Evidence can be a whole test log: keep the end, where failures are.
std::string clip(const std::string& text, size_t limit = 4000) {
  if (text.size() <= limit) return text;
  return "[... " + std::to_string(text.size() - limit) + " bytes cut ...]\n" + text.substr(text.size() - limit);
}

void append_findings(std::string& out, const std::vector<sdk::Finding>& findings, bool with_detail) {
  for (const auto& finding : findings) {
    out += fmt::format("- **{}**{}: {}\n", sdk::to_string(finding.severity), location(finding), finding.message);
    std::string detail = clip(finding.detail);
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    if (with_detail && !detail.empty()) out += indent("```\n" + detail + "\n```", "  ") + "\n";
  }
}

std::string verdict_name(const ReviewOutcome& outcome) {
  return outcome.review ? std::string(sdk::to_string(outcome.review->verdict)) : "failed";
}

} // namespace

std::string pr_body(const sdk::Issue& issue, const std::string& plan, bool closes_by_number) {
  std::string body;
  if (closes_by_number && is_number(issue.key)) body = "Closes #" + issue.key + "\n";
  else if (!issue.url.empty()) body = "Issue: [" + issue.key + "](" + issue.url + ")\n";
  else body = "Issue: " + issue.key + "\n";
  body += "\n_Opened by fanout: planned, built and validated by agents._\n";
  if (!plan.empty()) body += "\n<details><summary>Plan</summary>\n\n" + plan + "\n\n</details>\n";
  return redacted(body);
}

std::string findings_markdown(const std::vector<ReviewOutcome>& outcomes) {
  std::string out;
  for (const auto& outcome : outcomes) {
    if (!outcome.review || outcome.review->findings.empty()) continue;
    out += fmt::format("### {} ({})\n\n", outcome.reviewer, verdict_name(outcome));
    append_findings(out, outcome.review->findings, true);
    out += "\n";
  }
  if (out.empty()) out = "(no findings were given; re-check the change against the issue)\n";
  return redacted(out);
}

sdk::PullRequestReview pr_review(const std::vector<ReviewOutcome>& outcomes, int rounds, RunState state) {
  sdk::PullRequestReview review;
  switch (summarize(outcomes)) {
  case RoundVerdict::approved: review.event = sdk::ReviewEvent::approve; break;
  case RoundVerdict::changes_needed: review.event = sdk::ReviewEvent::request_changes; break;
  case RoundVerdict::incomplete: review.event = sdk::ReviewEvent::comment; break;
  }
  std::string& body = review.body;
  body = fmt::format("## fanout review: {}\n\n", to_string(state));
  body += fmt::format("{} reviewer(s), {} validation round(s).\n\n", outcomes.size(), rounds);
  body += "| reviewer | verdict | findings |\n| --- | --- | --- |\n";
  for (const auto& outcome : outcomes)
    body += fmt::format("| {} | {} | {} |\n", outcome.reviewer, verdict_name(outcome),
                        outcome.review ? outcome.review->findings.size() : 0);
  for (const auto& outcome : outcomes) {
    body += fmt::format("\n### {} ({})\n\n", outcome.reviewer, verdict_name(outcome));
    if (!outcome.review) {
      body += "The reviewer could not run: " + outcome.failure + "\n";
      continue;
    }
    if (!outcome.review->summary.empty()) body += outcome.review->summary + "\n\n";
    append_findings(body, outcome.review->findings, false);
    for (const auto& finding : outcome.review->findings)
      if (!finding.file.empty() && finding.line > 0)
        review.comments.push_back({finding.file, finding.line,
                                   fmt::format("**{}** ({}): {}", sdk::to_string(finding.severity), outcome.reviewer,
                                               finding.message)});
  }
  const std::string marker = "\n\n" + std::string(k_comment_marker);
  review.body = redacted(review.body) + marker;
  for (auto& comment : review.comments) comment.body = redacted(comment.body) + marker;
  return review;
}

std::string status_comment(RunState state, const std::string& pr_url, const std::vector<ReviewOutcome>& outcomes,
                           const std::string& error) {
  std::string out = fmt::format("fanout: run **{}**", to_string(state));
  if (!pr_url.empty()) out += " — pull request: " + pr_url;
  out += "\n";
  if (!error.empty()) out += "\n" + error + "\n";
  if (!outcomes.empty()) {
    out += "\n";
    for (const auto& outcome : outcomes)
      out += fmt::format("- {}: {}{}\n", outcome.reviewer, verdict_name(outcome),
                         outcome.review ? fmt::format(" ({} finding(s))", outcome.review->findings.size())
                                        : ": " + outcome.failure);
  }
  if (state == RunState::needs_human && !outcomes.empty()) out += "\nOpen findings:\n\n" + findings_markdown(outcomes);
  return redacted(out);
}

} // namespace fanout::pipeline
