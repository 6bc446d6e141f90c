#include "tests/support/fake_jira_server.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace fanout::test {

using nlohmann::json;

namespace {

struct Transition {
  const char* id;
  const char* name;
  const char* to;
};
const Transition k_transitions[] = {{"11", "Stop Progress", "To Do"}, {"21", "Start Progress", "In Progress"}, {"31", "Resolve", "Done"}};

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(table[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(table[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json;charset=UTF-8");
}

json errors(const std::string& message) { return {{"errorMessages", json::array({message})}, {"errors", json::object()}}; }

CannedAnswer error_answer(int status, const std::string& message) {
  return {status, errors(message).dump(), "application/json;charset=UTF-8", {}};
}

std::string category(const std::string& status) {
  return status == "Done" ? "done" : status == "In Progress" ? "indeterminate" : "new";
}

bool is_adf_doc(const json& doc) {
  return doc.is_object() && doc.value("type", "") == "doc" && doc.contains("content") && doc["content"].is_array();
}

} // namespace

FakeJiraServer::FakeJiraServer(std::string email, std::string token, std::string project)
    : m_email(std::move(email)), m_token(std::move(token)), m_project(std::move(project)) {
  auto& s = server();
  s.Get(R"(/rest/api/3/issue/([A-Z]+-\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    for (const auto& issue : m_issues)
      if (issue.key == req.matches[1]) return send(res, 200, issue_json(issue));
    send(res, 404, errors("Issue does not exist or you do not have permission to see it."));
  });
  auto removed = [](const httplib::Request&, httplib::Response& res) {
    send(res, 410, errors("The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
                          "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"));
  };
  s.Get("/rest/api/3/search", removed);
  s.Post("/rest/api/3/search", removed);
  s.Get("/rest/api/3/search/jql", [this](const httplib::Request& req, httplib::Response& res) {
    int max = req.has_param("maxResults") ? std::stoi(req.get_param_value("maxResults")) : 50;
    search(req.get_param_value("jql"), max, req.get_param_value("nextPageToken"), res);
  });
  s.Post("/rest/api/3/search/jql", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return send(res, 400, errors("Invalid request payload."));
    std::string token = body.contains("nextPageToken") && body["nextPageToken"].is_string() ? body["nextPageToken"].get<std::string>() : "";
    search(body.value("jql", ""), body.value("maxResults", 50), token, res);
  });
  add_comment_routes();
  add_edit_route();
  s.Get(R"(/rest/api/3/issue/([A-Z]+-\d+)/transitions)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    for (const auto& issue : m_issues) {
      if (issue.key != req.matches[1]) continue;
      json list = json::array();
      for (const auto& t : k_transitions)
        if (issue.status != t.to)
          list.push_back({{"id", t.id}, {"name", t.name}, {"hasScreen", false}, {"isAvailable", true},
                          {"to", {{"id", t.id}, {"name", t.to}, {"statusCategory", {{"key", category(t.to)}}}}}});
      return send(res, 200, {{"expand", "transitions"}, {"transitions", list}});
    }
    send(res, 404, errors("Issue does not exist or you do not have permission to see it."));
  });
  s.Post(R"(/rest/api/3/issue/([A-Z]+-\d+)/transitions)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    json body = json::parse(req.body, nullptr, false);
    for (auto& issue : m_issues) {
      if (issue.key != req.matches[1]) continue;
      std::string id = body.is_object() && body.contains("transition") ? body["transition"].value("id", "") : "";
      for (const auto& t : k_transitions)
        if (id == t.id && issue.status != t.to) {
          issue.status = t.to;
          res.status = 204;
          return;
        }
      return send(res, 400, errors("Transition id '" + id + "' is not valid for this issue."));
    }
    send(res, 404, errors("Issue does not exist or you do not have permission to see it."));
  });
  start();
}

FakeJiraServer::~FakeJiraServer() { stop(); }

void FakeJiraServer::add_comment_routes() {
  auto& s = server();
  auto comment_json = [this](const FakeJiraIssue& issue, size_t index) {
    const std::string& id = issue.comment_ids[index];
    return json{{"self", url() + "/rest/api/3/issue/" + issue.key + "/comment/" + id},
                {"id", id},
                {"author", {{"accountId", "a1"}, {"displayName", "fanout"}}},
                {"body", issue.comments[index]},
                {"created", "2025-01-01T10:00:00.000+0000"},
                {"updated", "2025-01-01T10:00:00.000+0000"}};
  };
  auto invalid_body = [](const json& body) {
    return body.is_discarded() || !body.is_object() || !body.contains("body") || !is_adf_doc(body["body"]);
  };
  s.Post(R"(/rest/api/3/issue/([A-Z]+-\d+)/comment)", [this, comment_json, invalid_body](const httplib::Request& req,
                                                                                       httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    json body = json::parse(req.body, nullptr, false);
    for (auto& issue : m_issues) {
      if (issue.key != req.matches[1]) continue;
      if (invalid_body(body))
        return send(res, 400, {{"errorMessages", json::array()}, {"errors", {{"comment", "Comment body is not valid!"}}}});
      issue.comments.push_back(body["body"]);
      issue.comment_ids.push_back(std::to_string(m_next_comment++));
      return send(res, 201, comment_json(issue, issue.comments.size() - 1));
    }
    send(res, 404, errors("Issue does not exist or you do not have permission to see it."));
  });
  // developer.atlassian.com: "Update comment" is PUT .../comment/{id} with an ADF body, 200
  // with the comment; an id the issue does not have is a 404.
  s.Put(R"(/rest/api/3/issue/([A-Z]+-\d+)/comment/(\d+))", [this, comment_json, invalid_body](const httplib::Request& req,
                                                                                             httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    json body = json::parse(req.body, nullptr, false);
    for (auto& issue : m_issues) {
      if (issue.key != req.matches[1]) continue;
      for (size_t i = 0; i < issue.comment_ids.size(); ++i) {
        if (issue.comment_ids[i] != req.matches[2]) continue;
        if (invalid_body(body))
          return send(res, 400, {{"errorMessages", json::array()}, {"errors", {{"comment", "Comment body is not valid!"}}}});
        issue.comments[i] = body["body"];
        return send(res, 200, comment_json(issue, i));
      }
      return send(res, 404, errors("Can not find a comment for the id: " + req.matches[2].str() + "."));
    }
    send(res, 404, errors("Issue does not exist or you do not have permission to see it."));
  });
}

void FakeJiraServer::add_edit_route() {
  // Edit issue: only the "update" verbs on labels are understood; 204 No Content.
  server().Put(R"(/rest/api/3/issue/([A-Z]+-\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    json body = json::parse(req.body, nullptr, false);
    for (auto& issue : m_issues) {
      if (issue.key != req.matches[1]) continue;
      if (body.is_discarded() || !body.is_object()) return send(res, 400, errors("Invalid request payload."));
      const json verbs = body.contains("update") && body["update"].is_object() ? body["update"].value("labels", json::array())
                                                                                : json::array();
      for (const auto& verb : verbs) {
        if (verb.contains("add") && verb["add"].is_string()) {
          const std::string label = verb["add"];
          if (label.find(' ') != std::string::npos)
            return send(res, 400, {{"errorMessages", json::array()}, {"errors", {{"labels", "The label '" + label + "' contains spaces which is invalid."}}}});
          if (std::find(issue.labels.begin(), issue.labels.end(), label) == issue.labels.end()) issue.labels.push_back(label);
        }
        if (verb.contains("remove") && verb["remove"].is_string())
          issue.labels.erase(std::remove(issue.labels.begin(), issue.labels.end(), verb["remove"].get<std::string>()),
                             issue.labels.end());
      }
      res.status = 204;
      return;
    }
    send(res, 404, errors("Issue does not exist or you do not have permission to see it."));
  });
}

bool FakeJiraServer::delete_comment(const std::string& id) {
  std::lock_guard lock(m_mutex);
  return erase_comment(m_issues, id);
}

bool FakeJiraServer::authorized(const httplib::Request& req) const {
  return req.get_header_value("Authorization") == "Basic " + base64(m_email + ":" + m_token);
}

FailureAnswers FakeJiraServer::failure_answers() const {
  auto rate_limited = error_answer(429, "Rate limit exceeded.");
  rate_limited.headers = {{"X-RateLimit-Remaining", "0"}, {"RateLimit-Reason", "jira-burst-based"}};
  return {{{FakeFailure::unauthorized,
            error_answer(401, "You are not authenticated. Authentication required to perform this operation.")},
           {FakeFailure::not_found, error_answer(404, "Issue does not exist or you do not have permission to see it.")},
           {FakeFailure::rate_limited, rate_limited},
           {FakeFailure::server_error, error_answer(500, "Internal server error")},
           {FakeFailure::garbage, {200, "<!DOCTYPE html><html><title>Atlassian</title></html>", "text/html", {}}}},
          error_answer(403, "You do not have permission to add comments to this issue.")};
}

std::string FakeJiraServer::add_issue(FakeJiraIssue issue) {
  std::lock_guard lock(m_mutex);
  if (issue.key.empty()) issue.key = m_project + "-" + std::to_string(m_issues.size() + 1);
  issue.comment_ids.clear();
  while (issue.comment_ids.size() < issue.comments.size()) issue.comment_ids.push_back(std::to_string(m_next_comment++));
  m_issues.push_back(issue);
  return issue.key;
}

FakeJiraIssue FakeJiraServer::issue(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  for (const auto& i : m_issues)
    if (i.key == key) return i;
  return {};
}

void FakeJiraServer::set_enhanced_search_gone(bool gone) {
  std::lock_guard lock(m_mutex);
  m_search_gone = gone;
}

void FakeJiraServer::set_max_page_size(int size) {
  std::lock_guard lock(m_mutex);
  m_max_page = size;
}

json FakeJiraServer::issue_json(const FakeJiraIssue& issue) const {
  const std::string id = std::to_string(10000 + std::stoi(issue.key.substr(issue.key.find('-') + 1)));
  return {{"id", id},
          {"key", issue.key},
          {"self", url() + "/rest/api/3/issue/" + id},
          {"fields",
           {{"summary", issue.summary},
            {"description", issue.description},
            {"status", {{"name", issue.status}, {"statusCategory", {{"key", category(issue.status)}}}}},
            {"labels", issue.labels},
            {"issuetype", {{"name", "Task"}}},
            {"assignee", issue.assignee.empty() ? json(nullptr) : json({{"accountId", "a1"}, {"displayName", issue.assignee}})},
            {"created", "2025-01-01T10:00:00.000+0000"},
            {"updated", "2025-01-02T10:00:00.000+0000"}}}};
}

bool FakeJiraServer::matches(const FakeJiraIssue& issue, const std::string& jql) const {
  std::string query = jql;
  if (auto order = lower(query).find(" order by "); order != std::string::npos) query = query.substr(0, order);
  static const std::regex clause(R"re(\s*(\w+)\s*(!=|=)\s*"?([^"]*?)"?\s*$)re");
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t next = lower(query).find(" and ", pos);
    std::string part = query.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    pos = next == std::string::npos ? query.size() + 1 : next + 5;
    std::smatch m;
    if (!std::regex_match(part, m, clause)) continue;
    const std::string field = lower(m[1]);
    const bool equal = m[2] == "=";
    const std::string value = m[3];
    bool hit = true;
    if (field == "project") hit = issue.key.rfind(value + "-", 0) == 0;
    else if (field == "statuscategory") hit = lower(category(issue.status)) == lower(value) || (lower(value) == "done" && issue.status == "Done");
    else if (field == "status") hit = lower(issue.status) == lower(value);
    else if (field == "labels") hit = std::find(issue.labels.begin(), issue.labels.end(), value) != issue.labels.end();
    else if (field == "assignee") hit = issue.assignee == value;
    if (hit != equal) return false;
  }
  return true;
}

void FakeJiraServer::search(const std::string& jql, int max_results, const std::string& token, httplib::Response& res) const {
  std::lock_guard lock(m_mutex);
  if (m_search_gone) return send(res, 410, errors("The requested API has been removed."));
  if (jql.empty()) return send(res, 400, errors("Unbounded JQL queries are not allowed here. Please add a search restriction to your query."));
  const int page = std::max(1, std::min(max_results, m_max_page));
  const int start = token.empty() ? 0 : std::stoi(token.substr(5));
  json issues = json::array();
  int seen = 0;
  int i = 0;
  for (; i < static_cast<int>(m_issues.size()); ++i) {
    if (!matches(m_issues[i], jql)) continue;
    if (seen++ < start) continue;
    if (static_cast<int>(issues.size()) == page) break;
    issues.push_back(issue_json(m_issues[i]));
  }
  json body = {{"issues", issues}};
  if (i < static_cast<int>(m_issues.size())) {
    body["nextPageToken"] = "page-" + std::to_string(start + page);
    body["isLast"] = false;
  } else {
    body["isLast"] = true;
  }
  send(res, 200, body);
}

} // namespace fanout::test
