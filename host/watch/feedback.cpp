#include "host/watch/feedback.hpp"

#include "host/services/secrets.hpp"

#include <fmt/format.h>

namespace fanout::watch {
namespace {

std::string redacted(const std::string& text) { return services::SecretRegistry::global().redact(text); }

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

/// A fence longer than any backtick run in `text`, so a log cannot close it early.
std::string fence_for(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string quoted(const std::string& text) {
  std::string out = "> ";
  for (char c : trimmed(text)) {
    out += c;
    if (c == '\n') out += "> ";
  }
  return out;
}

const char* kind_name(sdk::CommentKind kind) {
  switch (kind) {
  case sdk::CommentKind::line: return "line comment";
  case sdk::CommentKind::review: return "review";
  case sdk::CommentKind::conversation: return "comment";
  }
  return "comment";
}

} // namespace

bool from_fanout(const sdk::PullRequestComment& comment) {
  return comment.body.find(k_marker) != std::string::npos;
}

std::set<std::string> answered_by_replies(const std::vector<sdk::PullRequestComment>& comments) {
  static const std::string k_reply = std::string(k_marker) + ":reply-to=";
  std::set<std::string> ids;
  for (const auto& comment : comments) {
    if (!from_fanout(comment)) continue;
    for (auto at = comment.body.find(k_reply); at != std::string::npos; at = comment.body.find(k_reply, at + 1)) {
      const auto start = at + k_reply.size();
      const auto end = comment.body.find(" -->", start);
      if (end != std::string::npos) ids.insert(comment.body.substr(start, end - start));
    }
  }
  return ids;
}

std::vector<sdk::PullRequestComment> to_answer(const std::vector<sdk::PullRequestComment>& comments,
                                               const std::set<std::string>& answered, bool bots) {
  std::vector<sdk::PullRequestComment> out;
  for (const auto& comment : comments) {
    if (from_fanout(comment) || (comment.author_is_bot && !bots)) continue;
    if (trimmed(comment.body).empty() || answered.count(comment.id)) continue;
    out.push_back(comment);
  }
  return out;
}

std::string ci_state(const std::vector<sdk::Check>& checks) {
  if (checks.empty()) return "none";
  bool pending = false;
  for (const auto& check : checks) {
    if (check.state == sdk::CheckState::failure) return "failure";
    pending = pending || check.state == sdk::CheckState::pending;
  }
  return pending ? "pending" : "success";
}

std::string check_names(const std::vector<sdk::Check>& checks) {
  std::string out;
  for (const auto& check : checks) {
    if (check.state != sdk::CheckState::failure) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({})", check.name, check.conclusion.empty() ? "failure" : check.conclusion);
  }
  return out;
}

std::string ci_findings(const std::vector<FailedCheck>& failed) {
  std::string out;
  for (const auto& [check, log] : failed) {
    out += fmt::format("### CI check \"{}\": {}\n\n", check.name, check.conclusion.empty() ? "failure" : check.conclusion);
    if (!check.summary.empty()) out += trimmed(check.summary) + "\n\n";
    if (!check.url.empty()) out += "Details: " + check.url + "\n\n";
    const std::string tail = trimmed(log);
    if (tail.empty()) {
      out += "(the code host keeps no log for this check)\n\n";
      continue;
    }
    const std::string fence = fence_for(tail);
    out += "The end of its log:\n\n" + fence + "\n" + tail + "\n" + fence + "\n\n";
  }
  return redacted(out);
}

std::string comment_findings(const std::vector<sdk::PullRequestComment>& comments) {
  std::string out;
  for (const auto& comment : comments) {
    std::string where;
    if (comment.kind == sdk::CommentKind::line && !comment.path.empty())
      where = comment.line > 0 ? fmt::format(" on `{}:{}`", comment.path, comment.line)
                               : fmt::format(" on `{}` (an outdated line)", comment.path);
    out += fmt::format("### {} by {}{}\n\n{}\n\n", kind_name(comment.kind),
                       comment.author.empty() ? "someone" : comment.author, where, quoted(comment.body));
  }
  return redacted(out);
}

std::string reply_text(const sdk::PullRequestComment& comment, const std::vector<PushedCommit>& commits,
                       const std::string& pr_url, const std::string& agent_text) {
  const bool linkable = pr_url.rfind("https://", 0) == 0 || pr_url.rfind("http://", 0) == 0;
  std::string out;
  if (commits.empty()) {
    out = "fanout looked at this and changed nothing.";
    if (!trimmed(agent_text).empty()) out += " The agent's answer:\n\n" + quoted(agent_text);
  } else {
    out = "fanout addressed this in:\n\n";
    for (const auto& commit : commits) {
      const std::string short_sha = commit.sha.substr(0, 7);
      out += linkable ? fmt::format("- [{}]({}/commits/{}) {}\n", short_sha, pr_url, commit.sha, commit.subject)
                      : fmt::format("- {} {}\n", short_sha, commit.subject);
    }
  }
  out = trimmed(out) + "\n\n" + std::string(k_marker) + " -->\n" + std::string(k_marker) + ":reply-to=" + comment.id +
        " -->";
  return redacted(out);
}

} // namespace fanout::watch
