#include "tests/support/fake_github_server.hpp"

#include "tests/support/fake_github_wire.hpp"

#include <algorithm>
#include <sstream>

namespace fanout::test {

using nlohmann::json;

namespace {

using namespace github_wire;

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

} // namespace

FakeGithubServer::FakeGithubServer(std::string repo, std::string token)
    : m_repo(std::move(repo)), m_token(std::move(token)), m_logs(std::make_unique<LocalServer>()) {
  add_routes();
  start();
  m_logs->start();
}

FakeGithubServer::~FakeGithubServer() {
  m_logs->stop();
  stop();
}

std::string FakeGithubServer::next_timestamp() {
  // 2025-02-01 plus one second per stored thing: later things sort after earlier ones.
  const int n = m_clock++;
  char text[32];
  std::snprintf(text, sizeof text, "2025-02-%02dT%02d:%02d:%02dZ", 1 + n / 86400 % 28, n / 3600 % 24, n / 60 % 60, n % 60);
  return text;
}

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
  for (auto& body : issue.comments) m_comments[issue.number].push_back({m_next_id++, std::move(body), "octocat", "User", next_timestamp()});
  issue.comments.clear(); // m_comments holds them; issue() lists their bodies again
  return (m_issues[issue.number] = std::move(issue)).number;
}

int FakeGithubServer::add_pull(FakeGithubPull pull) {
  std::lock_guard lock(m_mutex);
  pull.number = number_for(pull.number);
  for (auto& body : pull.comments) m_comments[pull.number].push_back({m_next_id++, std::move(body), "octocat", "User", next_timestamp()});
  pull.comments.clear();
  return (m_pulls[pull.number] = std::move(pull)).number;
}

long long FakeGithubServer::add_comment(int number, FakeGithubComment comment) {
  std::lock_guard lock(m_mutex);
  if (comment.id == 0) comment.id = m_next_id++;
  if (comment.created_at.empty()) comment.created_at = next_timestamp();
  m_comments[number].push_back(comment);
  return comment.id;
}

bool FakeGithubServer::delete_comment(long long id) {
  std::lock_guard lock(m_mutex);
  for (auto& [number, comments] : m_comments)
    for (auto it = comments.begin(); it != comments.end(); ++it)
      if (it->id == id) {
        comments.erase(it);
        return true;
      }
  return false;
}

void FakeGithubServer::add_comment_edit_routes() {
  auto& s = server();
  const std::string base = "/repos/" + m_repo;
  // The comment `id` and its issue's number, or {nullptr, 0}. Under m_mutex.
  auto find = [this](long long id) -> std::pair<FakeGithubComment*, int> {
    for (auto& [number, comments] : m_comments)
      for (auto& comment : comments)
        if (comment.id == id) return {&comment, number};
    return {nullptr, 0};
  };
  s.Get(base + R"(/issues/comments/(\d+))", [this, find](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const auto [comment, number] = find(std::stoll(req.matches[1]));
    if (!comment) return send_error(res, 404, "Not Found");
    send_json(res, 200, comment_json(number, *comment));
  });
  // docs.github.com, "Update an issue comment": PATCH with {"body"}; 404 once it is deleted.
  s.Patch(base + R"(/issues/comments/(\d+))", [this, find](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const auto [comment, number] = find(std::stoll(req.matches[1]));
    if (!comment) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    if (!body.contains("body") || !body["body"].is_string()) return send_error(res, 422, "Validation Failed");
    comment->body = body["body"];
    send_json(res, 200, comment_json(number, *comment));
  });
  s.Delete(base + R"(/issues/comments/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!delete_comment(std::stoll(req.matches[1]))) return send_error(res, 404, "Not Found");
    res.status = 204;
  });
}

std::vector<FakeGithubComment> FakeGithubServer::comments(int number) const {
  std::lock_guard lock(m_mutex);
  auto it = m_comments.find(number);
  return it == m_comments.end() ? std::vector<FakeGithubComment>() : it->second;
}

void FakeGithubServer::merge_pull(int number) {
  std::lock_guard lock(m_mutex);
  auto& pull = m_pulls.at(number);
  pull.state = "closed";
  pull.merged = true;
}

long long FakeGithubServer::add_review(FakeGithubReview review) {
  std::lock_guard lock(m_mutex);
  if (review.id == 0) review.id = m_next_id++;
  if (review.submitted_at.empty()) review.submitted_at = next_timestamp();
  m_reviews.push_back(review);
  return review.id;
}

namespace {
/// Bodies of stored comments, for FakeGithubIssue::comments and FakeGithubPull::comments.
std::vector<std::string> bodies(const std::map<int, std::vector<FakeGithubComment>>& comments, int number) {
  std::vector<std::string> out;
  if (auto it = comments.find(number); it != comments.end())
    for (const auto& comment : it->second) out.push_back(comment.body);
  return out;
}
} // namespace

std::optional<FakeGithubIssue> FakeGithubServer::issue(int number) const {
  std::lock_guard lock(m_mutex);
  auto it = m_issues.find(number);
  if (it == m_issues.end()) return std::nullopt;
  FakeGithubIssue out = it->second;
  out.comments = bodies(m_comments, number);
  return out;
}

std::optional<FakeGithubPull> FakeGithubServer::pull(int number) const {
  std::lock_guard lock(m_mutex);
  auto it = m_pulls.find(number);
  if (it == m_pulls.end()) return std::nullopt;
  FakeGithubPull out = it->second;
  out.comments = bodies(m_comments, number);
  return out;
}

std::vector<FakeGithubPull> FakeGithubServer::pulls() const {
  std::lock_guard lock(m_mutex);
  std::vector<FakeGithubPull> out;
  for (const auto& [number, pull] : m_pulls) {
    out.push_back(pull);
    out.back().comments = bodies(m_comments, number);
  }
  return out;
}

std::vector<FakeGithubReview> FakeGithubServer::reviews(int pull) const {
  std::lock_guard lock(m_mutex);
  std::vector<FakeGithubReview> out;
  for (const auto& review : m_reviews)
    if (review.pull == pull) out.push_back(review);
  return out;
}

void FakeGithubServer::set_default_per_page(int per_page) {
  std::lock_guard lock(m_mutex);
  m_default_per_page = per_page;
}

void FakeGithubServer::set_max_per_page(int per_page) {
  std::lock_guard lock(m_mutex);
  m_max_per_page = std::clamp(per_page, 1, 100);
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
          {"comments", m_comments.count(issue.number) ? m_comments.at(issue.number).size() : 0}, {"created_at", "2025-01-01T00:00:00Z"},
          {"updated_at", "2025-01-02T00:00:00Z"}, {"closed_at", nullptr}};
}

json FakeGithubServer::pull_as_issue_json(const FakeGithubPull& pull) const {
  FakeGithubIssue as_issue{pull.number, pull.title, pull.body, pull.state, {}, "", "", {}};
  json out = issue_json(as_issue);
  out["pull_request"] = {{"url", url() + "/repos/" + m_repo + "/pulls/" + std::to_string(pull.number)},
                         {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(pull.number)},
                         {"merged_at", pull.merged ? json("2025-01-03T00:00:00Z") : json(nullptr)}};
  return out;
}

json FakeGithubServer::pull_json(const FakeGithubPull& pull, bool full) const {
  const std::string owner = m_repo.substr(0, m_repo.find('/'));
  json out = {{"id", 700000 + pull.number},
          {"number", pull.number},
          {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(pull.number)},
          {"url", url() + "/repos/" + m_repo + "/pulls/" + std::to_string(pull.number)},
          {"state", pull.state},
          {"title", pull.title},
          {"body", pull.body.empty() ? json(nullptr) : json(pull.body)},
          {"draft", pull.draft},
          {"merged", pull.merged},
          {"merged_at", pull.merged ? json("2025-01-03T00:00:00Z") : json(nullptr)},
          {"head", {{"ref", pull.head}, {"sha", pull.head_sha}, {"label", owner + ":" + pull.head}}},
          {"base", {{"ref", pull.base}, {"sha", "def456"}, {"label", owner + ":" + pull.base}}},
          {"user", {{"login", "fanout-bot"}}}};
  if (full) {
    out["mergeable"] = pull.mergeable ? json(*pull.mergeable) : json(nullptr);
    out["mergeable_state"] = pull.mergeable_state;
    out["rebaseable"] = pull.mergeable ? json(*pull.mergeable) : json(nullptr);
  }
  return out;
}

json FakeGithubServer::comment_json(int number, const FakeGithubComment& comment) const {
  const std::string id = std::to_string(comment.id);
  const std::string where = (m_pulls.count(number) ? "/pull/" : "/issues/") + std::to_string(number);
  return {{"id", comment.id},
          {"node_id", "IC_" + id},
          {"url", url() + "/repos/" + m_repo + "/issues/comments/" + id},
          {"html_url", "https://github.com/" + m_repo + where + "#issuecomment-" + id},
          {"issue_url", url() + "/repos/" + m_repo + "/issues/" + std::to_string(number)},
          {"body", comment.body},
          {"user", user_json(comment.user, comment.user_type)},
          {"created_at", comment.created_at},
          {"updated_at", comment.created_at},
          {"author_association", "MEMBER"}};
}

void FakeGithubServer::paginate(const httplib::Request& req, httplib::Response& res, const json& items,
                                const std::string& wrap_key) const {
  int per_page = req.has_param("per_page") ? std::stoi(req.get_param_value("per_page")) : m_default_per_page;
  per_page = std::clamp(per_page, 1, m_max_per_page);
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
  if (wrap_key.empty()) return send_json(res, 200, slice);
  send_json(res, 200, {{"total_count", total}, {wrap_key, slice}});
}

void FakeGithubServer::add_routes() {
  auto& s = server();
  const std::string base = "/repos/" + m_repo;

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

  // Issues and pulls share the conversation comments (a pull is an issue to GitHub).
  auto exists = [this](int number) { return m_issues.count(number) || m_pulls.count(number); };

  s.Get(base + R"(/issues/(\d+)/comments)", [this, exists](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int number = std::stoi(req.matches[1]);
    if (!exists(number)) return send_error(res, 404, "Not Found");
    json items = json::array();
    if (auto it = m_comments.find(number); it != m_comments.end())
      for (const auto& comment : it->second) items.push_back(comment_json(number, comment)); // oldest first
    paginate(req, res, items);
  });

  s.Post(base + R"(/issues/(\d+)/comments)", [this, exists](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    int number = std::stoi(req.matches[1]);
    if (!exists(number)) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded() || !body.contains("body") || !body["body"].is_string())
      return send_error(res, 422, "Validation Failed");
    FakeGithubComment comment{m_next_id++, body["body"], "fanout-bot", "User", next_timestamp()};
    m_comments[number].push_back(comment);
    send_json(res, 201, comment_json(number, comment));
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

  add_pull_routes();
  add_check_routes();
  add_comment_edit_routes();
}

} // namespace fanout::test
