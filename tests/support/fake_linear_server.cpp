#include "tests/support/fake_linear_server.hpp"

#include <algorithm>
#include <cctype>

namespace fanout::test {

using nlohmann::json;

namespace {

const std::vector<std::pair<std::string, std::string>> k_states = {
    {"Backlog", "backlog"}, {"Todo", "unstarted"}, {"In Progress", "started"}, {"Done", "completed"}, {"Canceled", "canceled"}};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json graphql_error(const std::string& message, const std::string& code, int status) {
  return {{"errors", json::array({{{"message", message},
                                   {"extensions", {{"code", code}, {"statusCode", status}, {"userPresentableMessage", message}}}}})}};
}

/// Applies a Linear comparator object ({eq: x}, {in: [..]}, {eqIgnoreCase: x}...) to a value.
bool compare(const std::string& value, const json& comparator) {
  for (const auto& [op, arg] : comparator.items()) {
    if (op == "eq" && value != arg.get<std::string>()) return false;
    if (op == "neq" && value == arg.get<std::string>()) return false;
    if (op == "eqIgnoreCase" && lower(value) != lower(arg.get<std::string>())) return false;
    if (op == "in" && std::find(arg.begin(), arg.end(), value) == arg.end()) return false;
    if (op == "nin" && std::find(arg.begin(), arg.end(), value) != arg.end()) return false;
  }
  return true;
}

} // namespace

FakeLinearServer::FakeLinearServer(std::string key, std::string team, bool oauth)
    : m_key(std::move(key)), m_team(std::move(team)), m_oauth(oauth) {
  server().Post("/graphql", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("query")) {
      res.status = 400;
      res.set_content(graphql_error("Must provide query string.", "BAD_REQUEST", 400).dump(), "application/json");
      return;
    }
    int status = 200;
    json reply;
    {
      std::lock_guard lock(m_mutex);
      reply = handle(body["query"].get<std::string>(), body.value("variables", json::object()), status);
    }
    res.status = status;
    res.set_content(reply.dump(), "application/json; charset=utf-8");
  });
  start();
}

FakeLinearServer::~FakeLinearServer() { stop(); }

bool FakeLinearServer::authorized(const httplib::Request& req) const {
  return req.get_header_value("Authorization") == (m_oauth ? "Bearer " + m_key : m_key);
}

FailureAnswers FakeLinearServer::failure_answers() const {
  const auto error = [](int status, const std::string& message, const std::string& code, int code_status) {
    return CannedAnswer{status, graphql_error(message, code, code_status).dump(), "application/json", {}};
  };
  auto not_found = graphql_error("Entity not found: Issue", "INVALID_INPUT", 404);
  not_found["data"] = nullptr;
  std::lock_guard lock(m_mutex);
  return {{{FakeFailure::unauthorized,
            error(m_auth_status, "Authentication required, not authenticated", "AUTHENTICATION_ERROR", 401)},
           {FakeFailure::not_found, {200, not_found.dump(), "application/json", {}}},
           {FakeFailure::rate_limited, error(400, "Rate limit exceeded", "RATELIMITED", 429)},
           {FakeFailure::server_error, error(500, "Internal server error", "INTERNAL_SERVER_ERROR", 500)},
           {FakeFailure::garbage,
            {200, "upstream connect error or disconnect/reset before headers", "text/plain", {}}}},
          error(400, "You don't have access to this team", "FORBIDDEN", 403)};
}

std::string FakeLinearServer::add_issue(FakeLinearIssue issue) {
  std::lock_guard lock(m_mutex);
  const int number = static_cast<int>(m_issues.size()) + 1;
  if (issue.identifier.empty()) issue.identifier = m_team + "-" + std::to_string(number);
  issue.id = "9f0c0000-0000-4000-8000-" + std::to_string(100000000000 + number);
  issue.comment_ids.clear();
  while (issue.comment_ids.size() < issue.comments.size())
    issue.comment_ids.push_back("c0mm3n7" + std::to_string(m_next_comment++) + "-0000-4000-8000-000000000000");
  m_issues.push_back(issue);
  return issue.identifier;
}

FakeLinearIssue FakeLinearServer::issue(const std::string& identifier) const {
  std::lock_guard lock(m_mutex);
  for (const auto& i : m_issues)
    if (i.identifier == identifier) return i;
  return {};
}

void FakeLinearServer::add_label(const std::string& name) {
  std::lock_guard lock(m_mutex);
  m_labels.push_back(name);
}

bool FakeLinearServer::delete_comment(const std::string& id) {
  std::lock_guard lock(m_mutex);
  return erase_comment(m_issues, id);
}

void FakeLinearServer::set_max_page_size(int size) {
  std::lock_guard lock(m_mutex);
  m_max_page = size;
}

void FakeLinearServer::set_auth_failure_status(int status) {
  std::lock_guard lock(m_mutex);
  m_auth_status = status;
}

std::string FakeLinearServer::state_type(const std::string& state) const {
  for (const auto& [name, type] : k_states)
    if (name == state) return type;
  return "unstarted";
}

json FakeLinearServer::issue_json(const FakeLinearIssue& issue) const {
  json labels = json::array();
  for (const auto& label : issue.labels) labels.push_back({{"id", "label-" + label}, {"name", label}});
  return {{"id", issue.id},
          {"identifier", issue.identifier},
          {"title", issue.title},
          {"description", issue.description.empty() ? json(nullptr) : json(issue.description)},
          {"url", "https://linear.app/acme/issue/" + issue.identifier},
          {"branchName", lower(issue.identifier)},
          {"state", {{"id", "state-" + issue.state}, {"name", issue.state}, {"type", state_type(issue.state)}}},
          {"team", {{"id", "team-" + m_team}, {"key", m_team}, {"name", "Engineering"}}},
          {"labels", {{"nodes", labels}}},
          {"assignee", issue.assignee.empty() ? json(nullptr) : json({{"id", "u1"}, {"name", issue.assignee}})}};
}

bool FakeLinearServer::matches(const FakeLinearIssue& issue, const json& filter) const {
  if (!filter.is_object()) return true;
  if (filter.contains("team") && !compare(m_team, filter["team"].value("key", json::object()))) return false;
  if (filter.contains("state")) {
    const json& state = filter["state"];
    if (state.contains("name") && !compare(issue.state, state["name"])) return false;
    if (state.contains("type") && !compare(state_type(issue.state), state["type"])) return false;
  }
  if (filter.contains("labels")) {
    json label_filter = filter["labels"].contains("some") ? filter["labels"]["some"] : filter["labels"];
    if (label_filter.contains("name")) {
      bool any = std::any_of(issue.labels.begin(), issue.labels.end(),
                             [&](const std::string& l) { return compare(l, label_filter["name"]); });
      if (!any) return false;
    }
  }
  if (filter.contains("assignee") && filter["assignee"].contains("name") &&
      !compare(issue.assignee, filter["assignee"]["name"]))
    return false;
  if (filter.contains("and"))
    for (const auto& part : filter["and"])
      if (!matches(issue, part)) return false;
  return true;
}

json FakeLinearServer::handle(const std::string& query, const json& variables, int& status) {
  auto find = [&](const std::string& id) -> FakeLinearIssue* {
    for (auto& i : m_issues)
      if (i.identifier == id || i.id == id) return &i;
    return nullptr;
  };
  auto not_found = [&] {
    json body = graphql_error("Entity not found: Issue", "INVALID_INPUT", 404);
    body["data"] = nullptr;
    return body;
  };

  auto comment_json = [](const FakeLinearIssue& issue, size_t index) {
    const std::string& id = issue.comment_ids[index];
    return json{{"id", id}, {"body", issue.comments[index]},
                {"url", "https://linear.app/acme/issue/" + issue.identifier + "#comment-" + id.substr(0, 8)},
                {"createdAt", "2025-01-01T00:00:00.000Z"}};
  };
  if (query.find("commentCreate") != std::string::npos) {
    auto* issue = find(variables.value("issueId", ""));
    if (!issue) return not_found();
    issue->comments.push_back(variables.value("body", ""));
    issue->comment_ids.push_back("c0mm3n7" + std::to_string(m_next_comment++) + "-0000-4000-8000-000000000000");
    return {{"data", {{"commentCreate", {{"success", true}, {"comment", comment_json(*issue, issue->comments.size() - 1)}}}}}};
  }
  if (query.find("commentUpdate") != std::string::npos) {
    // developers.linear.app: commentUpdate(id, input: CommentUpdateInput { body }) -> CommentPayload.
    if (auto [issue, i] = find_comment(m_issues, variables.value("id", "")); issue) {
      issue->comments[i] = variables.value("body", "");
      return {{"data", {{"commentUpdate", {{"success", true}, {"comment", comment_json(*issue, i)}}}}}};
    }
    json body = graphql_error("Entity not found: Comment", "INVALID_INPUT", 404);
    body["data"] = nullptr;
    return body;
  }
  if (query.find("issueUpdate") != std::string::npos) {
    auto* issue = find(variables.value("id", ""));
    if (!issue) return not_found();
    auto known = [&](const std::string& label) {
      if (std::find(m_labels.begin(), m_labels.end(), label) != m_labels.end()) return true;
      return std::any_of(m_issues.begin(), m_issues.end(), [&](const FakeLinearIssue& i) {
        return std::find(i.labels.begin(), i.labels.end(), label) != i.labels.end();
      });
    };
    if (variables.contains("added") || variables.contains("removed")) {
      // Label ids are "label-<name>" (issue_json); an unknown id is refused as Linear does.
      for (const auto& id : variables.value("added", json::array())) {
        const std::string name = id.get<std::string>().substr(6);
        if (!known(name)) {
          status = 400;
          return graphql_error("Argument Validation Error", "INVALID_INPUT", 400);
        }
        if (std::find(issue->labels.begin(), issue->labels.end(), name) == issue->labels.end()) issue->labels.push_back(name);
      }
      for (const auto& id : variables.value("removed", json::array()))
        issue->labels.erase(std::remove(issue->labels.begin(), issue->labels.end(), id.get<std::string>().substr(6)),
                            issue->labels.end());
      return {{"data", {{"issueUpdate", {{"success", true}, {"issue", issue_json(*issue)}}}}}};
    }
    const std::string state_id = variables.value("stateId", "");
    for (const auto& [name, type] : k_states)
      if ("state-" + name == state_id) {
        issue->state = name;
        return {{"data", {{"issueUpdate", {{"success", true}, {"issue", issue_json(*issue)}}}}}};
      }
    status = 400;
    return graphql_error("Argument Validation Error", "INVALID_INPUT", 400);
  }
  if (query.find("issueLabels(") != std::string::npos) {
    std::vector<std::string> names = m_labels;
    for (const auto& i : m_issues)
      for (const auto& label : i.labels)
        if (std::find(names.begin(), names.end(), label) == names.end()) names.push_back(label);
    json nodes = json::array();
    const json wanted = variables.value("names", json::array());
    for (const auto& name : names)
      if (wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end())
        nodes.push_back({{"id", "label-" + name}, {"name", name}, {"team", nullptr}});
    return {{"data", {{"issueLabels", {{"nodes", nodes}, {"pageInfo", {{"hasNextPage", false}, {"endCursor", nullptr}}}}}}}};
  }
  if (query.find("workflowStates") != std::string::npos) {
    json nodes = json::array();
    for (const auto& [name, type] : k_states) nodes.push_back({{"id", "state-" + name}, {"name", name}, {"type", type}});
    return {{"data", {{"workflowStates", {{"nodes", nodes}, {"pageInfo", {{"hasNextPage", false}, {"endCursor", nullptr}}}}}}}};
  }
  if (query.find("issues(") != std::string::npos) {
    const int first = std::min(variables.value("first", 50), m_max_page);
    int start = 0;
    if (variables.contains("after") && variables["after"].is_string()) start = std::stoi(variables["after"].get<std::string>().substr(7));
    std::vector<const FakeLinearIssue*> hits;
    for (const auto& i : m_issues)
      if (matches(i, variables.value("filter", json::object()))) hits.push_back(&i);
    json nodes = json::array();
    int i = start;
    for (; i < static_cast<int>(hits.size()) && i < start + first; ++i) nodes.push_back(issue_json(*hits[i]));
    const bool more = i < static_cast<int>(hits.size());
    return {{"data", {{"issues", {{"nodes", nodes}, {"pageInfo", {{"hasNextPage", more}, {"endCursor", more ? json("cursor-" + std::to_string(i)) : json(nullptr)}}}}}}}};
  }
  if (query.find("issue(") != std::string::npos) {
    auto* issue = find(variables.value("id", ""));
    if (!issue) return not_found();
    return {{"data", {{"issue", issue_json(*issue)}}}};
  }
  status = 400;
  return graphql_error("Cannot query field on type \"Query\".", "GRAPHQL_VALIDATION_FAILED", 400);
}

} // namespace fanout::test
