// JiraTracker: get, search (/rest/api/3/search/jql + nextPageToken), ADF comments, transitions.

#include "adf.hpp"
#include "rest.hpp"

#include "support/json_access.hpp"

#include <fanout/sdk/issue_tracker.hpp>
#include <fanout/sdk/prompt_text.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

namespace fanout::jira {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;
using support::string_at;

namespace {

constexpr const char* k_fields = "summary,description,status,labels,issuetype,assignee";
constexpr int k_page_size = 50;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A JQL string literal.
std::string jql_string(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool valid_key(const std::string& key) {
  size_t dash = key.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == key.size()) return false;
  return std::all_of(key.begin(), key.begin() + long(dash), [](unsigned char c) { return std::isalnum(c) || c == '_'; }) &&
         std::all_of(key.begin() + long(dash) + 1, key.end(), [](unsigned char c) { return std::isdigit(c); });
}

class JiraTracker final : public sdk::IssueTracker {
public:
  explicit JiraTracker(sdk::Host& host) : m_api(host) {
    const json& config = host.config();
    m_site = string_at(config, "site");
    while (!m_site.empty() && m_site.back() == '/') m_site.pop_back();
    m_project = string_at(config, "project");
    m_jql = string_at(config, "jql");
  }

  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery& query, const sdk::CancelToken& cancel) override {
    std::string jql = m_jql;
    if (jql.empty()) {
      if (m_project.empty())
        return fail(FailureKind::invalid_input, "jira: set \"project\" or \"jql\" in the tracker config to list issues");
      jql = "project = " + jql_string(m_project);
      jql += query.state.empty() ? " AND statusCategory != Done" : " AND status = " + jql_string(query.state);
      for (const auto& label : query.labels) jql += " AND labels = " + jql_string(label);
      if (!query.assignee.empty())
        jql += " AND assignee = " + (query.assignee == "me" ? std::string("currentUser()") : jql_string(query.assignee));
      jql += " ORDER BY updated DESC";
    }
    std::vector<sdk::Issue> issues;
    std::string token;
    while (true) {
      json body = {{"jql", jql}, {"maxResults", k_page_size}, {"fields", {"summary", "description", "status", "labels", "issuetype", "assignee"}}};
      if (!token.empty()) body["nextPageToken"] = token;
      auto page = m_api.call("POST", "/rest/api/3/search/jql", &body, cancel);
      if (!page) {
        sdk::Failure failure = std::move(page).failure();
        if (failure.kind == FailureKind::unsupported)
          failure.message += "; fanout searches with Jira Cloud's /rest/api/3/search/jql and never the removed "
                             "/rest/api/3/search: check that \"" + m_site + "\" is a Jira Cloud site";
        return failure;
      }
      if (!page->is_object() || !(*page)["issues"].is_array())
        return fail(FailureKind::error, "jira returned an unexpected shape for the search");
      for (const auto& row : (*page)["issues"]) {
        issues.push_back(to_issue(row));
        if (query.limit > 0 && issues.size() >= size_t(query.limit)) return issues;
      }
      token = string_at(*page, "nextPageToken");
      if (token.empty() || page->value("isLast", false)) break;
    }
    return issues;
  }

  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken& cancel) override {
    if (!valid_key(key)) return invalid(key);
    auto row = m_api.call("GET", "/rest/api/3/issue/" + key + "?fields=" + k_fields, nullptr, cancel, not_found(key));
    if (!row) return std::move(row).failure();
    if (!row->is_object()) return fail(FailureKind::error, "jira returned an unexpected shape for \"" + key + "\"");
    return to_issue(*row);
  }

  sdk::Result<void> comment(const std::string& key, const std::string& markdown, const sdk::CancelToken& cancel) override {
    auto made = create_comment(key, markdown, cancel);
    if (!made) return std::move(made).failure();
    return {};
  }

  /// PUT /rest/api/3/issue/{key}/comment/{id} edits the comment (ADF body); a 404 there means a
  /// person deleted it, so POST /rest/api/3/issue/{key}/comment makes a new one.
  sdk::Result<std::string> put_comment(const std::string& key, const std::string& comment_id, const std::string& markdown,
                                       const sdk::CancelToken& cancel) override {
    if (!valid_key(key)) return invalid(key);
    if (!comment_id.empty()) {
      if (!std::all_of(comment_id.begin(), comment_id.end(), [](unsigned char c) { return std::isdigit(c); }))
        return fail(FailureKind::invalid_input, "\"" + comment_id + "\" is not a jira comment id (expected digits)");
      json body = {{"body", markdown_to_adf(markdown)}};
      auto edited = m_api.call("PUT", "/rest/api/3/issue/" + key + "/comment/" + comment_id, &body, cancel, "gone");
      if (edited) return comment_id;
      if (edited.failure().kind != FailureKind::not_found) return std::move(edited).failure();
    }
    return create_comment(key, markdown, cancel);
  }

  /// Jira's edit-issue "update" verbs: {"update": {"labels": [{"add": ..}, {"remove": ..}]}}.
  sdk::Result<void> set_labels(const std::string& key, const std::vector<std::string>& add,
                               const std::vector<std::string>& remove, const sdk::CancelToken& cancel) override {
    if (!valid_key(key)) return invalid(key);
    json verbs = json::array();
    for (const auto& label : add) {
      // Jira labels cannot contain spaces: it would refuse the whole edit with a 400.
      if (label.empty() || label.find_first_of(" \t") != std::string::npos)
        return fail(FailureKind::invalid_input, "jira labels cannot be empty or contain spaces: \"" + label + "\"");
      verbs.push_back({{"add", label}});
    }
    for (const auto& label : remove) verbs.push_back({{"remove", label}});
    if (verbs.empty()) return {};
    json body = {{"update", {{"labels", verbs}}}};
    auto done = m_api.call("PUT", "/rest/api/3/issue/" + key, &body, cancel, not_found(key));
    if (!done) return std::move(done).failure();
    return {};
  }

  sdk::Result<void> set_state(const std::string& key, const std::string& state, const sdk::CancelToken& cancel) override {
    if (!valid_key(key)) return invalid(key);
    auto listed = m_api.call("GET", "/rest/api/3/issue/" + key + "/transitions", nullptr, cancel, not_found(key));
    if (!listed) return std::move(listed).failure();
    const json transitions = listed->is_object() && (*listed)["transitions"].is_array() ? (*listed)["transitions"] : json::array();
    // A transition's own name or its target status wins; common words map to categories.
    const std::string wanted = lower(state);
    const std::string category = wanted == "done" || wanted == "closed" ? "done"
                                 : wanted == "in progress" || wanted == "started" ? "indeterminate"
                                 : wanted == "todo" || wanted == "to do" || wanted == "open" ? "new"
                                                                                             : "";
    std::string id, names;
    for (const auto& t : transitions) {
      names += (names.empty() ? "\"" : ", \"") + string_at(t, "name") + "\"";
      if (lower(string_at(t, "name")) == wanted || lower(string_at(t["to"], "name")) == wanted) id = string_at(t, "id");
    }
    for (const auto& t : transitions)
      if (id.empty() && !category.empty() && t["to"].is_object() && string_at(t["to"]["statusCategory"], "key") == category)
        id = string_at(t, "id");
    if (id.empty())
      return fail(FailureKind::not_found, "jira issue \"" + key + "\" has no transition to \"" + state + "\"" +
                                                  (names.empty() ? " (none are available)" : " (available: " + names + ")"));
    json body = {{"transition", {{"id", id}}}};
    auto done = m_api.call("POST", "/rest/api/3/issue/" + key + "/transitions", &body, cancel, not_found(key));
    if (!done) return std::move(done).failure();
    return {};
  }

private:
  sdk::Result<std::string> create_comment(const std::string& key, const std::string& markdown, const sdk::CancelToken& cancel) {
    if (!valid_key(key)) return invalid(key);
    json body = {{"body", markdown_to_adf(markdown)}};
    auto made = m_api.call("POST", "/rest/api/3/issue/" + key + "/comment", &body, cancel, not_found(key));
    if (!made) return std::move(made).failure();
    const std::string id = string_at(*made, "id");
    if (id.empty()) return fail(FailureKind::error, "jira returned a comment without an id for \"" + key + "\"");
    return id;
  }

  sdk::Issue to_issue(const json& row) const {
    sdk::Issue issue;
    issue.key = string_at(row, "key");
    const json fields = row.contains("fields") && row["fields"].is_object() ? row["fields"] : json::object();
    issue.title = string_at(fields, "summary");
    issue.body = sdk::cap_for_prompt(adf_to_markdown(fields.value("description", json())));
    issue.state = lower(string_at(fields.value("status", json::object()), "name"));
    if (fields.contains("labels") && fields["labels"].is_array())
      for (const auto& label : fields["labels"])
        if (label.is_string()) issue.labels.push_back(label);
    issue.url = m_site + "/browse/" + issue.key;
    return issue;
  }

  std::string not_found(const std::string& key) const {
    return "jira issue \"" + key + "\" not found (or the account in " + m_api.email_env() + " cannot see it)";
  }
  static sdk::Failure invalid(const std::string& key) {
    return fail(FailureKind::invalid_input, "\"" + key + "\" is not a jira issue key (expected e.g. \"PROJ-123\")");
  }

  Rest m_api;
  std::string m_site;
  std::string m_project;
  std::string m_jql;
};

} // namespace

std::unique_ptr<sdk::IssueTracker> make_tracker(sdk::Host& host) { return std::make_unique<JiraTracker>(host); }

} // namespace fanout::jira
