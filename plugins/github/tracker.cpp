// GithubTracker: issues of one repository (GET/PATCH /issues, comments, labels).

#include "github.hpp"

#include "support/json_access.hpp"
#include "support/url_encoding.hpp"

#include <fanout/sdk/prompt_text.hpp>

#include <algorithm>
#include <cctype>

namespace fanout::github {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;
using namespace support;

std::string issue_number(const std::string& key) {
  std::string digits = key.substr(key.find('#') == std::string::npos ? 0 : key.find('#') + 1);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }))
    return "";
  return digits;
}

namespace {

sdk::Issue to_issue(const json& row) {
  sdk::Issue issue;
  issue.key = row.contains("number") ? std::to_string(row["number"].get<long long>()) : "";
  issue.title = string_at(row, "title");
  issue.body = sdk::cap_for_prompt(string_at(row, "body"));
  issue.state = string_at(row, "state");
  issue.url = string_at(row, "html_url");
  if (auto labels = row.find("labels"); labels != row.end() && labels->is_array())
    for (const auto& label : *labels) {
      if (label.is_object()) issue.labels.push_back(string_at(label, "name"));
      else if (label.is_string()) issue.labels.push_back(label.get<std::string>());
    }
  return issue;
}

bool is_issue(const json& row) { return row.is_object() && !row.contains("pull_request") && row.contains("number"); }

class GithubTracker final : public sdk::IssueTracker {
public:
  explicit GithubTracker(sdk::Host& host) : m_api(host) {}

  /// GitHub closes an issue when a merged pull request's body says "Closes #N".
  bool closed_by_number(std::string_view code_host) const override { return code_host == "github"; }

  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery& query, const sdk::CancelToken& cancel) override {
    std::string path =
        "/issues?state=" + encode_query_value(query.state.empty() ? "open" : query.state) + "&per_page=100";
    if (!query.labels.empty()) {
      std::string joined;
      for (const auto& label : query.labels) joined += (joined.empty() ? "" : ",") + label;
      path += "&labels=" + encode_query_value(joined);
    }
    if (!query.assignee.empty()) path += "&assignee=" + encode_query_value(query.assignee);
    if (!query.milestone.empty()) path += "&milestone=" + encode_query_value(query.milestone);
    auto rows = m_api.list(path, cancel, query.limit > 0 ? size_t(query.limit) : 0, is_issue);
    if (!rows) return std::move(rows).failure();
    std::vector<sdk::Issue> issues;
    for (const auto& row : *rows) issues.push_back(to_issue(row));
    return issues;
  }

  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken& cancel) override {
    auto number = checked(key);
    if (!number) return std::move(number).failure();
    auto row = m_api.call("GET", "/issues/" + *number, nullptr, cancel, not_found(key));
    if (!row) return std::move(row).failure();
    if (!row->is_object()) return fail(FailureKind::error, "github returned an unexpected issue shape for \"" + key + "\"");
    if (row->contains("pull_request"))
      return fail(FailureKind::not_found, "github #" + *number + " in \"" + m_api.repo() + "\" is a pull request, not an issue");
    return to_issue(*row);
  }

  sdk::Result<void> comment(const std::string& key, const std::string& markdown, const sdk::CancelToken& cancel) override {
    auto number = checked(key);
    if (!number) return std::move(number).failure();
    json body = {{"body", markdown}};
    auto done = m_api.call("POST", "/issues/" + *number + "/comments", &body, cancel, not_found(key));
    if (!done) return std::move(done).failure();
    return {};
  }

  /// PATCH /issues/comments/{id} edits the comment; a 404 there means it is gone (a person
  /// deleted it), so a new one is made with POST /issues/{number}/comments.
  sdk::Result<std::string> put_comment(const std::string& key, const std::string& comment_id, const std::string& markdown,
                                       const sdk::CancelToken& cancel) override {
    auto number = checked(key);
    if (!number) return std::move(number).failure();
    json body = {{"body", markdown}};
    if (!comment_id.empty()) {
      if (issue_number(comment_id) != comment_id)
        return fail(FailureKind::invalid_input, "\"" + comment_id + "\" is not a github comment id (expected digits)");
      auto edited = m_api.call("PATCH", "/issues/comments/" + comment_id, &body, cancel, "gone");
      if (edited) return comment_id;
      if (edited.failure().kind != FailureKind::not_found) return std::move(edited).failure();
    }
    auto made = m_api.call("POST", "/issues/" + *number + "/comments", &body, cancel, not_found(key));
    if (!made) return std::move(made).failure();
    const auto id = int_at(*made, "id");
    if (id <= 0) return fail(FailureKind::error, "github returned a comment without an id for issue \"" + key + "\"");
    return std::to_string(id);
  }

  sdk::Result<void> set_state(const std::string& key, const std::string& state, const sdk::CancelToken& cancel) override {
    std::string wanted = state;
    std::transform(wanted.begin(), wanted.end(), wanted.begin(), [](unsigned char c) { return std::tolower(c); });
    if (wanted == "done" || wanted == "completed") wanted = "closed";
    if (wanted != "open" && wanted != "closed")
      return fail(FailureKind::not_found, "github issues are \"open\" or \"closed\", not \"" + state + "\"");
    auto number = checked(key);
    if (!number) return std::move(number).failure();
    json body = {{"state", wanted}};
    auto done = m_api.call("PATCH", "/issues/" + *number, &body, cancel, not_found(key));
    if (!done) return std::move(done).failure();
    return {};
  }

  sdk::Result<void> set_labels(const std::string& key, const std::vector<std::string>& add,
                               const std::vector<std::string>& remove, const sdk::CancelToken& cancel) override {
    auto number = checked(key);
    if (!number) return std::move(number).failure();
    if (!add.empty()) {
      json body = {{"labels", add}};
      auto done = m_api.call("POST", "/issues/" + *number + "/labels", &body, cancel, not_found(key));
      if (!done) return std::move(done).failure();
    }
    for (const auto& label : remove) {
      // A 404 here means the label was not on the issue: already the wanted outcome.
      auto done = m_api.call("DELETE", "/issues/" + *number + "/labels/" + encode_path_segment(label), nullptr,
                             cancel, "absent");
      if (!done && done.failure().kind != FailureKind::not_found) return std::move(done).failure();
    }
    return {};
  }

private:
  sdk::Result<std::string> checked(const std::string& key) const {
    std::string number = issue_number(key);
    if (number.empty())
      return fail(FailureKind::invalid_input, "\"" + key + "\" is not a github issue number (expected e.g. \"42\" or \"#42\")");
    return number;
  }

  std::string not_found(const std::string& key) const {
    return "github issue \"" + key + "\" not found in \"" + m_api.repo() + "\"";
  }

  Api m_api;
};

} // namespace

std::unique_ptr<sdk::IssueTracker> make_tracker(sdk::Host& host) { return std::make_unique<GithubTracker>(host); }

} // namespace fanout::github
