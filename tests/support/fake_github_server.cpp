#include "tests/support/fake_github_server.hpp"

#include <algorithm>
#include <sstream>

namespace fanout::test {

using nlohmann::json;

namespace {

constexpr const char* k_json = "application/json; charset=utf-8";

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), k_json);
}

json error_body(int status, const std::string& message) {
  return {{"message", message}, {"documentation_url", "https://docs.github.com/rest"}, {"status", std::to_string(status)}};
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, error_body(status, message));
}

CannedAnswer error_answer(int status, const std::string& message) {
  return {status, error_body(status, message).dump(), k_json, {}};
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);)
    if (!part.empty()) out.push_back(part);
  return out;
}

json labels_json(const std::vector<std::string>& labels) {
  json out = json::array();
  int id = 1;
  for (const auto& name : labels) out.push_back({{"id", id++}, {"name", name}, {"color", "ededed"}, {"description", nullptr}});
  return out;
}

json parse_body(const httplib::Request& req) { return json::parse(req.body, nullptr, false); }

} // namespace

FakeGithubServer::FakeGithubServer(std::string repo, std::string token)
    : m_repo(std::move(repo)), m_token(std::move(token)) {
  add_routes();
  start();
}

FakeGithubServer::~FakeGithubServer() { stop(); }

bool FakeGithubServer::authorized(const httplib::Request& req) const {
  const std::string auth = req.get_header_value("Authorization");
  return auth == "Bearer " + m_token || auth == "token " + m_token;
}

FailureAnswers FakeGithubServer::failure_answers() const {
  auto rate_limited = error_answer(429, "API rate limit exceeded for user ID 1.");
  rate_limited.headers = {{"x-ratelimit-remaining", "0"}};
  return {{{FakeFailure::unauthorized, error_answer(401, "Bad credentials")},
           {FakeFailure::not_found, error_answer(404, "Not Found")},
           {FakeFailure::rate_limited, rate_limited},
           {FakeFailure::server_error, error_answer(500, "Server Error")},
           {FakeFailure::garbage, {200, "<html><body>unicorn</body></html>", "text/html", {}}}},
          error_answer(403, "Resource not accessible by personal access token")};
}

int FakeGithubServer::number_for(int asked) {
  const int number = asked == 0 ? m_next_number : asked;
  m_next_number = std::max(m_next_number, number + 1);
  return number;
}

int FakeGithubServer::add_issue(FakeGithubIssue issue) {
  std::lock_guard lock(m_mutex);
  issue.number = number_for(issue.number);
  return (m_issues[issue.number] = std::move(issue)).number;
}

int FakeGithubServer::add_pull(FakeGithubPull pull) {
  std::lock_guard lock(m_mutex);
  pull.number = number_for(pull.number);
  return (m_pulls[pull.number] = std::move(pull)).number;
}

void FakeGithubServer::merge_pull(int number) {
  std::lock_guard lock(m_mutex);
  auto& pull = m_pulls.at(number);
  pull.state = "closed";
  pull.merged = true;
}

void FakeGithubServer::add_review(FakeGithubReview review) {
  std::lock_guard lock(m_mutex);
  m_reviews.push_back(std::move(review));
}

std::optional<FakeGithubIssue> FakeGithubServer::issue(int number) const {
  std::lock_guard lock(m_mutex);
  auto it = m_issues.find(number);
  return it == m_issues.end() ? std::nullopt : std::optional(it->second);
}

std::optional<FakeGithubPull> FakeGithubServer::pull(int number) const {
  std::lock_guard lock(m_mutex);
  auto it = m_pulls.find(number);
  return it == m_pulls.end() ? std::nullopt : std::optional(it->second);
}

std::vector<FakeGithubPull> FakeGithubServer::pulls() const {
  std::lock_guard lock(m_mutex);
  std::vector<FakeGithubPull> out;
  for (const auto& [number, pull] : m_pulls) out.push_back(pull);
  return out;
}

std::vector<FakeGithubReview> FakeGithubServer::reviews(int pull) const {
  std::lock_guard lock(m_mutex);
  std::vector<FakeGithubReview> out;
  for (const auto& review : m_reviews)
    if (review.pull == pull) out.push_back(review);
  return out;
}

std::vector<std::string>* FakeGithubServer::comments_of(int number) {
  if (auto it = m_issues.find(number); it != m_issues.end()) return &it->second.comments;
  if (auto it = m_pulls.find(number); it != m_pulls.end()) return &it->second.comments;
  return nullptr;
}

std::vector<int>& FakeGithubServer::ids_of(int number) {
  auto& ids = m_comment_ids[number];
  const auto* comments = comments_of(number);
  while (comments && ids.size() < comments->size()) ids.push_back(m_next_id++);
  return ids;
}

std::vector<int> FakeGithubServer::comment_ids(int number) {
  std::lock_guard lock(m_mutex);
  return ids_of(number);
}

bool FakeGithubServer::delete_comment(int id) {
  std::lock_guard lock(m_mutex);
  for (auto& [number, ids] : m_comment_ids) {
    auto at = std::find(ids.begin(), ids.end(), id);
    if (at == ids.end()) continue;
    auto* comments = comments_of(number);
    comments->erase(comments->begin() + (at - ids.begin()));
    ids.erase(at);
    return true;
  }
  return false;
}

json FakeGithubServer::comment_json(int number, int id, const std::string& body, const std::string& user) const {
  return {{"id", id},
          {"node_id", "IC_" + std::to_string(id)},
          {"url", url() + "/repos/" + m_repo + "/issues/comments/" + std::to_string(id)},
          {"html_url", "https://github.com/" + m_repo + "/issues/" + std::to_string(number) + "#issuecomment-" +
                           std::to_string(id)},
          {"issue_url", url() + "/repos/" + m_repo + "/issues/" + std::to_string(number)},
          {"body", body},
          {"user", {{"login", user}, {"type", "User"}}},
          {"author_association", "OWNER"},
          {"created_at", "2025-01-01T00:00:00Z"},
          {"updated_at", "2025-01-01T00:00:00Z"}};
}

void FakeGithubServer::add_issue_comment_routes() {
  auto& s = server();
  const std::string base = "/repos/" + m_repo;

  s.Get(base + R"(/issues/(\d+)/comments)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int number = std::stoi(req.matches[1]);
    auto* comments = comments_of(number);
    if (!comments) return send_error(res, 404, "Not Found");
    const auto& ids = ids_of(number);
    json items = json::array();
    for (size_t i = 0; i < comments->size(); ++i) items.push_back(comment_json(number, ids[i], (*comments)[i], "octocat"));
    paginate(req, res, items);
  });

  s.Post(base + R"(/issues/(\d+)/comments)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int number = std::stoi(req.matches[1]);
    auto* comments = comments_of(number);
    if (!comments) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded() || !body.contains("body") || !body["body"].is_string())
      return send_error(res, 422, "Validation Failed");
    auto& ids = ids_of(number);
    comments->push_back(body["body"]);
    ids.push_back(m_next_id++);
    send_json(res, 201, comment_json(number, ids.back(), body["body"], "fanout-bot"));
  });

  // One comment by id (docs.github.com: "Update an issue comment" is PATCH with {"body"};
  // a deleted comment answers 404).
  auto find = [this](int id) -> std::pair<int, size_t> {
    for (auto& [number, ids] : m_comment_ids)
      if (auto at = std::find(ids.begin(), ids.end(), id); at != ids.end()) return {number, size_t(at - ids.begin())};
    return {0, 0};
  };
  s.Get(base + R"(/issues/comments/(\d+))", [this, find](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int id = std::stoi(req.matches[1]);
    const auto [number, index] = find(id);
    if (number == 0) return send_error(res, 404, "Not Found");
    send_json(res, 200, comment_json(number, id, comments_of(number)->at(index), "fanout-bot"));
  });
  s.Patch(base + R"(/issues/comments/(\d+))", [this, find](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int id = std::stoi(req.matches[1]);
    const auto [number, index] = find(id);
    if (number == 0) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    if (!body.contains("body") || !body["body"].is_string()) return send_error(res, 422, "Validation Failed");
    comments_of(number)->at(index) = body["body"];
    send_json(res, 200, comment_json(number, id, body["body"], "fanout-bot"));
  });
  s.Delete(base + R"(/issues/comments/(\d+))", [this, find](const httplib::Request& req, httplib::Response& res) {
    std::unique_lock lock(m_mutex);
    const int id = std::stoi(req.matches[1]);
    if (find(id).first == 0) return send_error(res, 404, "Not Found");
    lock.unlock();
    delete_comment(id);
    res.status = 204;
  });
}

void FakeGithubServer::set_default_per_page(int per_page) {
  std::lock_guard lock(m_mutex);
  m_default_per_page = per_page;
}

json FakeGithubServer::issue_json(const FakeGithubIssue& issue) const {
  const std::string html = "https://github.com/" + m_repo + "/issues/" + std::to_string(issue.number);
  json assignees = json::array();
  if (!issue.assignee.empty()) assignees.push_back({{"login", issue.assignee}});
  return {{"id", 500000 + issue.number},  {"node_id", "I_" + std::to_string(issue.number)},
          {"number", issue.number},       {"title", issue.title},
          {"body", issue.body.empty() ? json(nullptr) : json(issue.body)},
          {"state", issue.state},         {"labels", labels_json(issue.labels)},
          {"assignees", assignees},       {"assignee", assignees.empty() ? json(nullptr) : assignees[0]},
          {"user", {{"login", "octocat"}}}, {"html_url", html},
          {"url", url() + "/repos/" + m_repo + "/issues/" + std::to_string(issue.number)},
          {"comments", issue.comments.size()}, {"created_at", "2025-01-01T00:00:00Z"},
          {"updated_at", "2025-01-02T00:00:00Z"}, {"closed_at", nullptr}};
}

json FakeGithubServer::pull_as_issue_json(const FakeGithubPull& pull) const {
  FakeGithubIssue as_issue{pull.number, pull.title, pull.body, pull.state, {}, "", "", pull.comments};
  json out = issue_json(as_issue);
  out["pull_request"] = {{"url", url() + "/repos/" + m_repo + "/pulls/" + std::to_string(pull.number)},
                         {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(pull.number)},
                         {"merged_at", pull.merged ? json("2025-01-03T00:00:00Z") : json(nullptr)}};
  return out;
}

json FakeGithubServer::pull_json(const FakeGithubPull& pull) const {
  const std::string owner = m_repo.substr(0, m_repo.find('/'));
  return {{"id", 700000 + pull.number},
          {"number", pull.number},
          {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(pull.number)},
          {"url", url() + "/repos/" + m_repo + "/pulls/" + std::to_string(pull.number)},
          {"state", pull.state},
          {"title", pull.title},
          {"body", pull.body.empty() ? json(nullptr) : json(pull.body)},
          {"draft", pull.draft},
          {"merged", pull.merged},
          {"merged_at", pull.merged ? json("2025-01-03T00:00:00Z") : json(nullptr)},
          {"head", {{"ref", pull.head}, {"sha", "abc123"}, {"label", owner + ":" + pull.head}}},
          {"base", {{"ref", pull.base}, {"sha", "def456"}, {"label", owner + ":" + pull.base}}},
          {"user", {{"login", "fanout-bot"}}}};
}

void FakeGithubServer::paginate(const httplib::Request& req, httplib::Response& res, const json& items) const {
  int per_page = req.has_param("per_page") ? std::stoi(req.get_param_value("per_page")) : m_default_per_page;
  per_page = std::clamp(per_page, 1, 100);
  int page = req.has_param("page") ? std::max(1, std::stoi(req.get_param_value("page"))) : 1;
  const int total = static_cast<int>(items.size());
  const int last = std::max(1, (total + per_page - 1) / per_page);
  json slice = json::array();
  for (int i = (page - 1) * per_page; i < std::min(total, page * per_page); ++i) slice.push_back(items[i]);

  auto link_to = [&](int target) {
    std::string query;
    for (const auto& [key, value] : req.params)
      if (key != "page") query += key + "=" + httplib::detail::encode_query_param(value) + "&";
    return "<" + url() + req.path + "?" + query + "page=" + std::to_string(target) + ">";
  };
  std::vector<std::string> links;
  if (page < last) links.push_back(link_to(page + 1) + "; rel=\"next\"");
  if (page < last) links.push_back(link_to(last) + "; rel=\"last\"");
  if (page > 1) links.push_back(link_to(1) + "; rel=\"first\"");
  if (page > 1) links.push_back(link_to(page - 1) + "; rel=\"prev\"");
  std::string header;
  for (const auto& link : links) header += (header.empty() ? "" : ", ") + link;
  if (!header.empty()) res.set_header("Link", header);
  send_json(res, 200, slice);
}

void FakeGithubServer::add_routes() {
  auto& s = server();
  const std::string base = "/repos/" + m_repo;
  add_issue_comment_routes();

  s.Get(base + "/issues", [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("User-Agent").empty())
      return send_error(res, 403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header");
    std::lock_guard lock(m_mutex);
    const std::string state = req.has_param("state") ? req.get_param_value("state") : "open";
    const auto wanted = split(req.get_param_value("labels"), ',');
    std::map<int, json> rows;
    for (const auto& [number, issue] : m_issues) {
      if (state != "all" && issue.state != state) continue;
      bool has_all = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& l) {
        return std::find(issue.labels.begin(), issue.labels.end(), l) != issue.labels.end();
      });
      if (!has_all) continue;
      if (req.has_param("assignee") && issue.assignee != req.get_param_value("assignee")) continue;
      if (req.has_param("milestone") && issue.milestone != req.get_param_value("milestone")) continue;
      rows[number] = issue_json(issue);
    }
    if (wanted.empty() && !req.has_param("assignee") && !req.has_param("milestone"))
      for (const auto& [number, pull] : m_pulls)
        if (state == "all" || pull.state == state) rows[number] = pull_as_issue_json(pull);
    json items = json::array();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) items.push_back(it->second); // newest first
    paginate(req, res, items);
  });

  s.Get(base + R"(/issues/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    int number = std::stoi(req.matches[1]);
    if (auto it = m_issues.find(number); it != m_issues.end()) return send_json(res, 200, issue_json(it->second));
    if (auto it = m_pulls.find(number); it != m_pulls.end()) return send_json(res, 200, pull_as_issue_json(it->second));
    send_error(res, 404, "Not Found");
  });

  s.Patch(base + R"(/issues/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    auto it = m_issues.find(std::stoi(req.matches[1]));
    if (it == m_issues.end()) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    if (body.contains("state")) {
      std::string state = body["state"];
      if (state != "open" && state != "closed") return send_error(res, 422, "Validation Failed");
      it->second.state = state;
    }
    if (body.contains("title")) it->second.title = body["title"];
    send_json(res, 200, issue_json(it->second));
  });

  s.Post(base + R"(/issues/(\d+)/labels)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    auto it = m_issues.find(std::stoi(req.matches[1]));
    if (it == m_issues.end()) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded() || !body.contains("labels")) return send_error(res, 422, "Validation Failed");
    for (const auto& label : body["labels"]) {
      std::string name = label.get<std::string>();
      if (std::find(it->second.labels.begin(), it->second.labels.end(), name) == it->second.labels.end())
        it->second.labels.push_back(name);
    }
    send_json(res, 200, labels_json(it->second.labels));
  });

  s.Delete(base + R"(/issues/(\d+)/labels/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    auto it = m_issues.find(std::stoi(req.matches[1]));
    if (it == m_issues.end()) return send_error(res, 404, "Not Found");
    const std::string name = httplib::detail::decode_url(req.matches[2], false);
    auto& labels = it->second.labels;
    auto found = std::find(labels.begin(), labels.end(), name);
    if (found == labels.end()) return send_error(res, 404, "Label does not exist");
    labels.erase(found);
    send_json(res, 200, labels_json(labels));
  });

  s.Get(base + "/pulls", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const std::string state = req.has_param("state") ? req.get_param_value("state") : "open";
    const std::string head = req.get_param_value("head");
    // GitHub ignores a head without "owner:" (and returns every PR): so does the fake.
    const std::string owner = m_repo.substr(0, m_repo.find('/'));
    const bool head_filter = head.rfind(owner + ":", 0) == 0;
    json items = json::array();
    for (auto it = m_pulls.rbegin(); it != m_pulls.rend(); ++it) {
      const auto& pull = it->second;
      if (state != "all" && pull.state != state) continue;
      if (head_filter && owner + ":" + pull.head != head) continue;
      items.push_back(pull_json(pull));
    }
    paginate(req, res, items);
  });

  s.Post(base + "/pulls", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    json body = parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    if (!body.contains("head") || !body.contains("base") || !body.contains("title"))
      return send_error(res, 422, "Validation Failed");
    FakeGithubPull pull;
    pull.title = body["title"];
    pull.body = body.value("body", "");
    pull.head = body["head"];
    pull.base = body["base"];
    pull.draft = body.value("draft", false);
    for (const auto& [number, existing] : m_pulls)
      if (existing.head == pull.head && existing.state == "open") {
        json error = {{"message", "Validation Failed"},
                      {"errors", json::array({{{"resource", "PullRequest"}, {"code", "custom"},
                                               {"message", "A pull request already exists for " +
                                                               m_repo.substr(0, m_repo.find('/')) + ":" + pull.head + "."}}})},
                      {"documentation_url", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"},
                      {"status", "422"}};
        return send_json(res, 422, error);
      }
    pull.number = m_next_number++;
    m_pulls[pull.number] = pull;
    send_json(res, 201, pull_json(pull));
  });

  s.Get(base + R"(/pulls/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    auto it = m_pulls.find(std::stoi(req.matches[1]));
    if (it == m_pulls.end()) return send_error(res, 404, "Not Found");
    send_json(res, 200, pull_json(it->second));
  });

  s.Patch(base + R"(/pulls/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    auto it = m_pulls.find(std::stoi(req.matches[1]));
    if (it == m_pulls.end()) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    if (body.contains("title")) it->second.title = body["title"];
    if (body.contains("body")) it->second.body = body["body"];
    if (body.contains("state")) it->second.state = body["state"];
    send_json(res, 200, pull_json(it->second));
  });

  s.Get(base + R"(/pulls/(\d+)/reviews)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    int number = std::stoi(req.matches[1]);
    if (!m_pulls.count(number)) return send_error(res, 404, "Not Found");
    static const std::map<std::string, std::string> states = {
        {"APPROVE", "APPROVED"}, {"REQUEST_CHANGES", "CHANGES_REQUESTED"}, {"COMMENT", "COMMENTED"}};
    json items = json::array();
    int id = 1;
    for (const auto& review : m_reviews) {
      if (review.pull != number) continue;
      auto state = states.find(review.event);
      items.push_back({{"id", id++}, {"user", {{"login", review.user}}}, {"body", review.body},
                       {"state", state == states.end() ? "PENDING" : state->second},
                       {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(number) +
                                        "#pullrequestreview-" + std::to_string(id)},
                       {"submitted_at", "2025-01-04T00:00:00Z"}, {"commit_id", "abc123"}});
    }
    paginate(req, res, items);
  });

  s.Post(base + R"(/pulls/(\d+)/reviews)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    int number = std::stoi(req.matches[1]);
    if (!m_pulls.count(number)) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    FakeGithubReview review;
    review.pull = number;
    review.event = body.value("event", "");
    review.body = body.value("body", "");
    if (body.contains("comments")) review.comments = body["comments"];
    if ((review.event == "REQUEST_CHANGES" || review.event == "COMMENT") && review.body.empty())
      return send_error(res, 422, "Unprocessable Entity");
    for (const auto& comment : review.comments)
      if (!comment.contains("path") || !comment.contains("body") || !comment.contains("line"))
        return send_error(res, 422, "Unprocessable Entity");
    m_reviews.push_back(review);
    static const std::map<std::string, std::string> states = {
        {"APPROVE", "APPROVED"}, {"REQUEST_CHANGES", "CHANGES_REQUESTED"}, {"COMMENT", "COMMENTED"}};
    auto state = states.find(review.event);
    send_json(res, 200, {{"id", m_next_id++}, {"body", review.body}, {"user", {{"login", review.user}}},
                         {"state", state == states.end() ? "PENDING" : state->second}, {"commit_id", "abc123"}});
  });
}

} // namespace fanout::test
