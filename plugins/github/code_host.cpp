// GithubCodeHost: push with the user's git, pull requests and reviews over REST v3; checks
// (checks.cpp) and comments (comments.cpp) of an open pull request.

#include "checks.hpp"
#include "comments.hpp"
#include "github.hpp"

#include "support/json_access.hpp"
#include "support/url_encoding.hpp"

#include <algorithm>
#include <cctype>

namespace fanout::github {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;
using namespace support;

namespace {

/// From `mergeable` (null while GitHub computes it) and `mergeable_state`. Lists leave both out.
sdk::Mergeable mergeable_of(const json& row) {
  auto mergeable = row.find("mergeable");
  if (mergeable == row.end() || !mergeable->is_boolean()) return sdk::Mergeable::unknown;
  const std::string state = string_at(row, "mergeable_state");
  if (state == "dirty") return sdk::Mergeable::conflicting;
  if (state == "behind") return sdk::Mergeable::behind;
  if (state == "clean" || state == "unstable" || state == "blocked" || state == "has_hooks") return sdk::Mergeable::clean;
  return mergeable->get<bool>() ? sdk::Mergeable::clean : sdk::Mergeable::conflicting; // "draft", "unknown"
}

sdk::PullRequest to_pull(const json& row) {
  sdk::PullRequest pr;
  pr.id = row.contains("number") && row["number"].is_number() ? std::to_string(row["number"].get<long long>()) : "";
  pr.url = string_at(row, "html_url");
  pr.title = string_at(row, "title");
  pr.body = string_at(row, "body");
  if (auto head = row.find("head"); head != row.end() && head->is_object()) pr.head = string_at(*head, "ref");
  if (auto base = row.find("base"); base != row.end() && base->is_object()) pr.base = string_at(*base, "ref");
  if (auto head = row.find("head"); head != row.end() && head->is_object()) pr.head_sha = string_at(*head, "sha");
  pr.draft = row.value("draft", false);
  const bool merged = row.value("merged", false) || (row.contains("merged_at") && row["merged_at"].is_string());
  pr.state = merged ? sdk::PullRequestState::merged
             : string_at(row, "state") == "closed" ? sdk::PullRequestState::closed
                                                   : sdk::PullRequestState::open;
  pr.mergeable = mergeable_of(row);
  return pr;
}

const char* event_name(sdk::ReviewEvent event) {
  switch (event) {
  case sdk::ReviewEvent::approve: return "APPROVE";
  case sdk::ReviewEvent::request_changes: return "REQUEST_CHANGES";
  case sdk::ReviewEvent::comment: return "COMMENT";
  }
  return "COMMENT";
}

/// The last few lines of a process's stderr, for an error message.
std::string tail_lines(const std::string& text, size_t lines) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.pop_back();
  size_t pos = trimmed.size();
  for (size_t n = 0; n < lines && pos != std::string::npos && pos > 0; ++n) pos = trimmed.rfind('\n', pos - 1);
  return pos == std::string::npos ? trimmed : trimmed.substr(pos + 1);
}

class GithubCodeHost final : public sdk::CodeHost {
public:
  explicit GithubCodeHost(sdk::Host& host) : m_api(host) {
    const json& config = host.config();
    m_remote = config.contains("remote") && config["remote"].is_string() ? config["remote"].get<std::string>() : "origin";
  }

  sdk::Result<void> push(const std::filesystem::path& worktree, const std::string& branch,
                         const sdk::PushOptions& options, const sdk::CancelToken& cancel) override {
    sdk::ProcessSpec spec;
    spec.argv = {"git", "push", "-u", m_remote, branch};
    if (options.force_with_lease) {
      if (options.expected_remote_head.empty())
        return fail(FailureKind::invalid_input, "a push with force_with_lease needs the expected remote head");
      spec.argv.insert(spec.argv.begin() + 2, "--force-with-lease=" + branch + ":" + options.expected_remote_head);
    }
    spec.workdir = worktree;
    spec.timeout = std::chrono::minutes(5);
    spec.env = {{"GIT_TERMINAL_PROMPT", "0"}}; // fail instead of waiting for a password nobody will type
    auto ran = m_api.host().processes().run(spec, [](sdk::Stream, const std::string&) {}, cancel);
    if (!ran) return std::move(ran).failure();
    if (ran->cancelled) return fail(FailureKind::cancelled, "git push of \"" + branch + "\" was cancelled");
    if (ran->timed_out) return fail(FailureKind::timeout, "git push of \"" + branch + "\" to \"" + m_remote + "\" timed out after 5m");
    // git says "stale info" when the lease failed, "fetch first"/"non-fast-forward" without one.
    const bool refused = ran->err.find("[rejected]") != std::string::npos;
    if (!ran->signaled && refused && options.force_with_lease)
      return fail(FailureKind::conflict, "git push of \"" + branch + "\" to \"" + m_remote +
                                             "\" was refused: the remote branch is no longer at \"" +
                                             options.expected_remote_head.substr(0, 12) +
                                             "\" (someone else pushed to it); fetch it and update the branch first");
    if (!ran->signaled && refused)
      return fail(FailureKind::conflict, "git push of \"" + branch + "\" to \"" + m_remote +
                                             "\" was refused: the remote branch has commits that are not in the local one; "
                                             "fetch it and update the branch first");
    if (ran->signaled || ran->exit_code != 0)
      return fail(FailureKind::error, "git push of \"" + branch + "\" to \"" + m_remote + "\" failed (exit " +
                                          std::to_string(ran->exit_code) + "): " + tail_lines(ran->err, 3));
    return {};
  }

  sdk::Result<std::optional<sdk::PullRequest>> find(const std::string& branch, const sdk::CancelToken& cancel) override {
    // The owner prefix is mandatory: GitHub ignores a bare branch and returns every PR.
    const std::string head = encode_query_value(m_api.owner() + ":" + branch);
    auto rows = m_api.list("/pulls?state=all&per_page=100&head=" + head, cancel, 0, [&](const json& row) {
      return row.is_object() && row.contains("head") && string_at(row["head"], "ref") == branch;
    });
    if (!rows) return std::move(rows).failure();
    if (rows->empty()) return std::optional<sdk::PullRequest>();
    // Prefer an open one; otherwise the newest (GitHub lists newest first).
    for (const auto& row : *rows)
      if (string_at(row, "state") == "open") return std::optional(to_pull(row));
    return std::optional(to_pull(rows->front()));
  }

  sdk::Result<sdk::PullRequest> open(const sdk::PullRequestDraft& draft, const sdk::CancelToken& cancel) override {
    json body = {{"title", draft.title}, {"body", draft.body}, {"head", draft.head}, {"base", draft.base}, {"draft", draft.draft}};
    auto row = m_api.call("POST", "/pulls", &body, cancel);
    if (!row) {
      sdk::Failure failure = std::move(row).failure();
      if (failure.kind == FailureKind::invalid_input)
        failure.message = "github could not open a pull request from \"" + draft.head + "\" into \"" + draft.base +
                          "\": " + failure.message;
      return failure;
    }
    return to_pull(*row);
  }

  sdk::Result<sdk::PullRequest> update(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override {
    json body = {{"title", pr.title}, {"body", pr.body}};
    auto row = m_api.call("PATCH", "/pulls/" + issue_number(pr.id), &body, cancel, not_found(pr.id));
    if (!row) return std::move(row).failure();
    return to_pull(*row);
  }

  sdk::Result<sdk::PullRequest> get(const std::string& id, const sdk::CancelToken& cancel) override {
    const std::string number = issue_number(id);
    if (number.empty()) return fail(FailureKind::invalid_input, "\"" + id + "\" is not a github pull request number");
    auto row = m_api.call("GET", "/pulls/" + number, nullptr, cancel, not_found(id));
    if (!row) return std::move(row).failure();
    return to_pull(*row);
  }

  sdk::Result<void> review(const sdk::PullRequest& pr, const sdk::PullRequestReview& review,
                           const sdk::CancelToken& cancel) override {
    json comments = json::array();
    for (const auto& c : review.comments)
      comments.push_back({{"path", c.path}, {"line", c.line}, {"side", "RIGHT"}, {"body", c.body}});
    json body = {{"event", event_name(review.event)}, {"body", review.body}};
    if (!comments.empty()) body["comments"] = comments;
    auto row = m_api.call("POST", "/pulls/" + issue_number(pr.id) + "/reviews", &body, cancel, not_found(pr.id));
    if (!row) return std::move(row).failure();
    return {};
  }

  sdk::Result<std::vector<sdk::PostedReview>> reviews(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override {
    auto rows = m_api.list("/pulls/" + issue_number(pr.id) + "/reviews?per_page=100", cancel, 0,
                           [](const json& row) { return row.is_object(); });
    if (!rows) return std::move(rows).failure();
    std::vector<sdk::PostedReview> out;
    for (const auto& row : *rows) {
      sdk::PostedReview review;
      if (auto user = row.find("user"); user != row.end() && user->is_object())
        review.author = string_at(*user, "login");
      review.state = string_at(row, "state");
      std::transform(review.state.begin(), review.state.end(), review.state.begin(), [](unsigned char c) { return std::tolower(c); });
      review.body = string_at(row, "body");
      review.url = string_at(row, "html_url");
      review.submitted_at = string_at(row, "submitted_at");
      out.push_back(std::move(review));
    }
    return out;
  }

  sdk::Result<std::vector<sdk::Check>> checks(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override {
    std::string sha = pr.head_sha;
    if (sha.empty()) { // a caller that only has the number: ask for the head
      auto current = get(pr.id, cancel);
      if (!current) return std::move(current).failure();
      sha = current->head_sha;
    }
    if (sha.empty()) return fail(FailureKind::error, "github did not say which commit is the head of pull request \"" + pr.id + "\"");
    return commit_checks(m_api, sha, cancel);
  }

  sdk::Result<std::string> check_log(const sdk::PullRequest&, const sdk::Check& check, std::size_t max_bytes,
                                     const sdk::CancelToken& cancel) override {
    return job_log_tail(m_api, check, max_bytes, cancel);
  }

  sdk::Result<std::vector<sdk::PullRequestComment>> comments(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override {
    const std::string number = issue_number(pr.id);
    if (number.empty()) return fail(FailureKind::invalid_input, "\"" + pr.id + "\" is not a github pull request number");
    return pull_comments(m_api, number, cancel);
  }

  sdk::Result<std::string> reply(const sdk::PullRequest& pr, const sdk::PullRequestComment& to, const std::string& markdown,
                                 const sdk::CancelToken& cancel) override {
    const std::string number = issue_number(pr.id);
    if (number.empty()) return fail(FailureKind::invalid_input, "\"" + pr.id + "\" is not a github pull request number");
    return post_reply(m_api, number, to, markdown, cancel);
  }

  sdk::Result<void> update_branch(const sdk::PullRequest& pr, const sdk::CancelToken& cancel) override {
    const std::string number = issue_number(pr.id);
    if (number.empty()) return fail(FailureKind::invalid_input, "\"" + pr.id + "\" is not a github pull request number");
    json body = json::object();
    if (!pr.head_sha.empty()) body["expected_head_sha"] = pr.head_sha; // refuse rather than merge into a newer head
    auto answer = m_api.call("PUT", "/pulls/" + number + "/update-branch", &body, cancel, not_found(pr.id));
    if (answer) return {};
    sdk::Failure failure = std::move(answer).failure();
    if (failure.kind != FailureKind::invalid_input) return failure; // 422 is GitHub's refusal
    const bool moved = failure.message.find("expected head sha") != std::string::npos;
    const bool conflicts = failure.message.find("conflict") != std::string::npos;
    if (!moved && !conflicts) return failure; // another refusal: GitHub's words say which
    failure.kind = FailureKind::conflict;
    failure.message = moved ? "github did not update pull request #" + number + ": its head moved on from \"" +
                                  pr.head_sha.substr(0, 12) + "\" (someone pushed); read it again (" + failure.message + ")"
                            : "github cannot update pull request #" + number + " from " +
                                  (pr.base.empty() ? "its base" : "\"" + pr.base + "\"") +
                                  ": the branches conflict; update it in the worktree (" + failure.message + ")";
    return failure;
  }

private:
  std::string not_found(const std::string& id) const {
    return "github pull request \"" + id + "\" not found in \"" + m_api.repo() + "\"";
  }

  Api m_api;
  std::string m_remote;
};

} // namespace

std::unique_ptr<sdk::CodeHost> make_code_host(sdk::Host& host) { return std::make_unique<GithubCodeHost>(host); }

} // namespace fanout::github
