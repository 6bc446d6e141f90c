// LinearTracker: issues by identifier, filtered lists with cursor paging, comments, states.

#include "graphql.hpp"

#include "support/json_access.hpp"

#include <fanout/sdk/issue_tracker.hpp>
#include <fanout/sdk/prompt_text.hpp>

#include <algorithm>
#include <cctype>
#include <memory>

namespace fanout::linear {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;
using support::string_at;

namespace {

constexpr const char* k_issue_fields =
    "id identifier number title description url branchName priority state { id name type } "
    "team { id key name } labels { nodes { id name } } assignee { id name email } createdAt updatedAt";

constexpr int k_page_size = 50;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

sdk::Issue to_issue(const json& row) {
  sdk::Issue issue;
  issue.key = string_at(row, "identifier");
  issue.title = string_at(row, "title");
  issue.body = sdk::cap_for_prompt(string_at(row, "description"));
  if (auto state = row.find("state"); state != row.end() && state->is_object())
    issue.state = lower(string_at(*state, "name"));
  issue.url = string_at(row, "url");
  if (auto labels = row.find("labels"); labels != row.end() && labels->is_object() && (*labels)["nodes"].is_array())
    for (const auto& label : (*labels)["nodes"]) issue.labels.push_back(string_at(label, "name"));
  return issue;
}

class LinearTracker final : public sdk::IssueTracker {
public:
  explicit LinearTracker(sdk::Host& host) : m_api(host) {
    const json& config = host.config();
    if (config.contains("team") && config["team"].is_string()) m_team = config["team"];
  }

  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery& query, const sdk::CancelToken& cancel) override {
    json filter_parts = json::array();
    if (!m_team.empty()) filter_parts.push_back({{"team", {{"key", {{"eq", m_team}}}}}});
    if (query.state.empty())
      filter_parts.push_back({{"state", {{"type", {{"nin", {"completed", "canceled"}}}}}}});
    else
      filter_parts.push_back({{"state", {{"name", {{"eqIgnoreCase", query.state}}}}}});
    for (const auto& label : query.labels)
      filter_parts.push_back({{"labels", {{"some", {{"name", {{"eqIgnoreCase", label}}}}}}}});
    if (query.assignee == "me")
      filter_parts.push_back({{"assignee", {{"isMe", {{"eq", true}}}}}});
    else if (!query.assignee.empty())
      filter_parts.push_back({{"assignee", {{"name", {{"eqIgnoreCase", query.assignee}}}}}});
    const json filter = {{"and", filter_parts}};
    const std::string text = std::string("query Issues($first: Int!, $after: String, $filter: IssueFilter) { "
                                         "issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) { nodes { ") +
                             k_issue_fields + " } pageInfo { hasNextPage endCursor } } }";

    std::vector<sdk::Issue> issues;
    json after = nullptr;
    while (true) {
      auto data = m_api.run(text, {{"first", k_page_size}, {"after", after}, {"filter", filter}}, cancel);
      if (!data) return std::move(data).failure();
      const json& page = (*data)["issues"];
      if (!page.is_object() || !page["nodes"].is_array())
        return fail(FailureKind::error, "linear returned an unexpected shape for the issue list");
      for (const auto& node : page["nodes"]) {
        issues.push_back(to_issue(node));
        if (query.limit > 0 && issues.size() >= size_t(query.limit)) return issues;
      }
      const json& info = page["pageInfo"];
      if (!info.is_object() || !info.value("hasNextPage", false) || !info["endCursor"].is_string()) break;
      after = info["endCursor"];
    }
    return issues;
  }

  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken& cancel) override {
    auto row = fetch(key, cancel);
    if (!row) return std::move(row).failure();
    return to_issue(*row);
  }

  sdk::Result<void> comment(const std::string& key, const std::string& markdown, const sdk::CancelToken& cancel) override {
    auto made = create_comment(key, markdown, cancel);
    if (!made) return std::move(made).failure();
    return {};
  }

  /// commentUpdate edits the comment; "Entity not found" there means a person deleted it, so
  /// commentCreate makes a new one.
  sdk::Result<std::string> put_comment(const std::string& key, const std::string& comment_id, const std::string& markdown,
                                       const sdk::CancelToken& cancel) override {
    if (!comment_id.empty()) {
      auto data = m_api.run("mutation Edit($id: String!, $body: String!) { commentUpdate(id: $id, input: { body: $body }) "
                            "{ success comment { id } } }",
                            {{"id", comment_id}, {"body", markdown}}, cancel, "gone");
      if (data) {
        const json& updated = (*data)["commentUpdate"];
        if (!updated.is_object() || !updated.value("success", false))
          return fail(FailureKind::error, "linear did not edit comment \"" + comment_id + "\" on \"" + key + "\"");
        return comment_id;
      }
      if (data.failure().kind != FailureKind::not_found) return std::move(data).failure();
    }
    return create_comment(key, markdown, cancel);
  }

  sdk::Result<void> set_state(const std::string& key, const std::string& state, const sdk::CancelToken& cancel) override {
    auto row = fetch(key, cancel);
    if (!row) return std::move(row).failure();
    const std::string team = string_at((*row)["team"], "key");
    auto data = m_api.run("query States($team: String!) { workflowStates(first: 100, filter: { team: { key: { eq: $team } } }) "
                          "{ nodes { id name type } } }",
                          {{"team", team}}, cancel);
    if (!data) return std::move(data).failure();
    const json nodes = (*data)["workflowStates"].is_object() ? (*data)["workflowStates"]["nodes"] : json::array();
    // A state's own name wins; common words map to Linear's state types.
    const std::string wanted = lower(state);
    const std::string type = wanted == "in progress" || wanted == "started" ? "started"
                             : wanted == "done" || wanted == "completed" || wanted == "closed" ? "completed"
                             : wanted == "todo" || wanted == "open" ? "unstarted"
                                                                    : "";
    std::string state_id;
    std::string names;
    for (const auto& node : nodes) {
      names += (names.empty() ? "\"" : ", \"") + string_at(node, "name") + "\"";
      if (lower(string_at(node, "name")) == wanted) state_id = string_at(node, "id");
    }
    for (const auto& node : nodes)
      if (state_id.empty() && !type.empty() && string_at(node, "type") == type) state_id = string_at(node, "id");
    if (state_id.empty())
      return fail(FailureKind::not_found, "linear team \"" + team + "\" has no workflow state \"" + state + "\" (it has " + names + ")");
    auto updated = m_api.run("mutation Move($id: String!, $stateId: String!) { issueUpdate(id: $id, input: { stateId: $stateId }) "
                             "{ success issue { id state { name } } } }",
                             {{"id", string_at(*row, "id")}, {"stateId", state_id}}, cancel, not_found(key));
    if (!updated) return std::move(updated).failure();
    if (!(*updated)["issueUpdate"].is_object() || !(*updated)["issueUpdate"].value("success", false))
      return fail(FailureKind::error, "linear did not move \"" + key + "\" to \"" + state + "\"");
    return {};
  }

  /// Labels by name: the issue's own for `remove`; for `add`, the workspace's or the issue's
  /// team's label of that name (issueLabels), then one issueUpdate with addedLabelIds and
  /// removedLabelIds. A label that does not exist is not made: not_found says so.
  sdk::Result<void> set_labels(const std::string& key, const std::vector<std::string>& add,
                               const std::vector<std::string>& remove, const sdk::CancelToken& cancel) override {
    auto row = fetch(key, cancel);
    if (!row) return std::move(row).failure();
    const std::string team = string_at((*row)["team"], "key");
    json removed = json::array();
    if (auto labels = row->find("labels"); labels != row->end() && labels->is_object() && (*labels)["nodes"].is_array())
      for (const auto& label : (*labels)["nodes"])
        if (std::find(remove.begin(), remove.end(), string_at(label, "name")) != remove.end())
          removed.push_back(string_at(label, "id"));
    json added = json::array();
    if (!add.empty()) {
      auto data = m_api.run("query Labels($names: [String!]) { issueLabels(first: 250, filter: { name: { in: $names } }) "
                            "{ nodes { id name team { key } } } }",
                            {{"names", add}}, cancel);
      if (!data) return std::move(data).failure();
      const json nodes = (*data)["issueLabels"].is_object() ? (*data)["issueLabels"]["nodes"] : json::array();
      for (const auto& name : add) {
        std::string id;
        for (const auto& node : nodes) {
          const bool usable = !node["team"].is_object() || string_at(node["team"], "key") == team;
          if (string_at(node, "name") == name && usable) id = string_at(node, "id");
        }
        if (id.empty())
          return fail(FailureKind::not_found, "linear has no label \"" + name + "\" in the workspace or team \"" + team +
                                                  "\" (create it in Linear first)");
        added.push_back(id);
      }
    }
    if (added.empty() && removed.empty()) return {};
    auto updated = m_api.run("mutation Label($id: String!, $added: [String!], $removed: [String!]) { issueUpdate(id: $id, "
                             "input: { addedLabelIds: $added, removedLabelIds: $removed }) { success } }",
                             {{"id", string_at(*row, "id")}, {"added", added}, {"removed", removed}}, cancel, not_found(key));
    if (!updated) return std::move(updated).failure();
    if (!(*updated)["issueUpdate"].is_object() || !(*updated)["issueUpdate"].value("success", false))
      return fail(FailureKind::error, "linear did not change the labels of \"" + key + "\"");
    return {};
  }

private:
  sdk::Result<std::string> create_comment(const std::string& key, const std::string& markdown, const sdk::CancelToken& cancel) {
    auto data = m_api.run("mutation Comment($issueId: String!, $body: String!) { commentCreate(input: { issueId: $issueId, "
                          "body: $body }) { success comment { id url body createdAt } } }",
                          {{"issueId", key}, {"body", markdown}}, cancel, not_found(key));
    if (!data) return std::move(data).failure();
    const json& created = (*data)["commentCreate"];
    const std::string id = created.is_object() && created["comment"].is_object() ? string_at(created["comment"], "id") : "";
    if (!created.is_object() || !created.value("success", false) || id.empty())
      return fail(FailureKind::error, "linear did not create the comment on \"" + key + "\"");
    return id;
  }

  sdk::Result<json> fetch(const std::string& key, const sdk::CancelToken& cancel) {
    auto data = m_api.run(std::string("query Issue($id: String!) { issue(id: $id) { ") + k_issue_fields + " } }",
                          {{"id", key}}, cancel, not_found(key));
    if (!data) return std::move(data).failure();
    if (!(*data)["issue"].is_object()) return fail(FailureKind::not_found, not_found(key));
    return (*data)["issue"];
  }

  static std::string not_found(const std::string& key) { return "linear issue \"" + key + "\" not found"; }

  Graphql m_api;
  std::string m_team;
};

} // namespace

std::unique_ptr<sdk::IssueTracker> make_tracker(sdk::Host& host) { return std::make_unique<LinearTracker>(host); }

} // namespace fanout::linear
