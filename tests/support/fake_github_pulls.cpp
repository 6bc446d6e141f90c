// FakeGithubServer's pull request routes: pulls, reviews, review comments and their replies,
// update-branch. Shapes from GitHub's REST reference (pulls, pulls/reviews, pulls/comments).

#include "tests/support/fake_github_server.hpp"
#include "tests/support/fake_github_wire.hpp"

#include <algorithm>

namespace fanout::test {

using nlohmann::json;
using namespace github_wire;

namespace {

const std::map<std::string, std::string>& review_states() {
  static const std::map<std::string, std::string> states = {
      {"APPROVE", "APPROVED"}, {"REQUEST_CHANGES", "CHANGES_REQUESTED"}, {"COMMENT", "COMMENTED"}};
  return states;
}

} // namespace

long long FakeGithubServer::add_review_comment(FakeGithubReviewComment comment) {
  std::lock_guard lock(m_mutex);
  if (comment.id == 0) comment.id = m_next_id++;
  if (comment.created_at.empty()) comment.created_at = next_timestamp();
  m_review_comments.push_back(comment);
  return comment.id;
}

std::vector<FakeGithubReviewComment> FakeGithubServer::review_comments(int pull) const {
  std::lock_guard lock(m_mutex);
  std::vector<FakeGithubReviewComment> out;
  for (const auto& comment : m_review_comments)
    if (comment.pull == pull) out.push_back(comment);
  return out;
}

void FakeGithubServer::set_pull_head(int number, const std::string& head_sha, std::optional<bool> mergeable,
                                     const std::string& mergeable_state) {
  std::lock_guard lock(m_mutex);
  auto& pull = m_pulls.at(number);
  m_pinned_heads.insert(number);
  pull.head_sha = head_sha;
  pull.mergeable = mergeable;
  pull.mergeable_state = mergeable_state;
}

int FakeGithubServer::branch_updates(int pull) const {
  std::lock_guard lock(m_mutex);
  auto it = m_branch_updates.find(pull);
  return it == m_branch_updates.end() ? 0 : it->second;
}

json FakeGithubServer::review_json(const FakeGithubReview& review) const {
  auto state = review_states().find(review.event);
  const std::string id = std::to_string(review.id);
  return {{"id", review.id},
          {"node_id", "PRR_" + id},
          {"user", user_json(review.user, review.user_type)},
          {"body", review.body},
          {"state", state == review_states().end() ? "PENDING" : state->second},
          {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(review.pull) +
                           "#pullrequestreview-" + id},
          {"pull_request_url", url() + "/repos/" + m_repo + "/pulls/" + std::to_string(review.pull)},
          {"submitted_at", review.submitted_at},
          {"commit_id", "abc123"},
          {"author_association", "MEMBER"}};
}

json FakeGithubServer::review_comment_json(const FakeGithubReviewComment& comment) const {
  const std::string id = std::to_string(comment.id);
  json out = {{"id", comment.id},
              {"node_id", "PRRC_" + id},
              {"url", url() + "/repos/" + m_repo + "/pulls/comments/" + id},
              {"html_url", "https://github.com/" + m_repo + "/pull/" + std::to_string(comment.pull) +
                               "#discussion_r" + id},
              {"pull_request_url", url() + "/repos/" + m_repo + "/pulls/" + std::to_string(comment.pull)},
              {"pull_request_review_id", 42},
              {"diff_hunk", "@@ -1,3 +1,4 @@"},
              {"path", comment.path},
              {"commit_id", "abc123"},
              {"original_commit_id", "abc123"},
              {"user", user_json(comment.user, comment.user_type)},
              {"body", comment.body},
              {"created_at", comment.created_at},
              {"updated_at", comment.created_at},
              {"line", comment.line ? json(comment.line) : json(nullptr)},
              {"original_line", comment.line ? comment.line : 1},
              {"side", "RIGHT"},
              {"author_association", "MEMBER"}};
  if (comment.in_reply_to) out["in_reply_to_id"] = comment.in_reply_to; // absent on a thread's first comment
  return out;
}

void FakeGithubServer::add_pull_routes() {
  auto& s = server();
  const std::string base = "/repos/" + m_repo;

  s.Get(base + "/pulls", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const std::string state = req.has_param("state") ? req.get_param_value("state") : "open";
    const std::string head = req.get_param_value("head");
    // GitHub ignores a head without "owner:" (and returns every PR): so does the fake.
    const std::string owner = m_repo.substr(0, m_repo.find('/'));
    const bool head_filter = head.rfind(owner + ":", 0) == 0;
    refresh_from_git();
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
        json error = {
            {"message", "Validation Failed"},
            {"errors",
             json::array({{{"resource", "PullRequest"},
                           {"code", "custom"},
                           {"message", "A pull request already exists for " +
                                           m_repo.substr(0, m_repo.find('/')) + ":" + pull.head + "."}}})},
            {"documentation_url", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"},
            {"status", "422"}};
        return send_json(res, 422, error);
      }
    pull.number = m_next_number++;
    m_pulls[pull.number] = pull;
    refresh_from_git();
    send_json(res, 201, pull_json(m_pulls[pull.number]));
  });

  s.Get(base + R"(/pulls/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    auto it = m_pulls.find(std::stoi(req.matches[1]));
    if (it == m_pulls.end()) return send_error(res, 404, "Not Found");
    refresh_from_git();
    send_json(res, 200, pull_json(it->second, true));
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
    json items = json::array();
    for (const auto& review : m_reviews)
      if (review.pull == number) items.push_back(review_json(review)); // chronological, as GitHub lists them
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
    review.id = m_next_id++;
    review.submitted_at = next_timestamp();
    m_reviews.push_back(review);
    // A review's line comments become review comments of the pull, as on GitHub.
    for (const auto& comment : review.comments)
      m_review_comments.push_back({m_next_id++, number, comment.value("path", ""), comment.value("line", 0),
                                   0, comment.value("body", ""), review.user, review.user_type,
                                   next_timestamp()});
    send_json(res, 200, review_json(review));
  });

  s.Get(base + R"(/pulls/(\d+)/comments)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    int number = std::stoi(req.matches[1]);
    if (!m_pulls.count(number)) return send_error(res, 404, "Not Found");
    json items = json::array();
    for (const auto& comment : m_review_comments)
      if (comment.pull == number) items.push_back(review_comment_json(comment)); // by id, ascending
    paginate(req, res, items);
  });

  // Docs: the comment must be a thread's first one; replies to replies are not supported.
  s.Post(base + R"(/pulls/(\d+)/comments/(\d+)/replies)", [this](const httplib::Request& req,
                                                                 httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int number = std::stoi(req.matches[1]);
    const long long to = std::stoll(req.matches[2]);
    if (!m_pulls.count(number)) return send_error(res, 404, "Not Found");
    auto target =
        std::find_if(m_review_comments.begin(), m_review_comments.end(),
                     [&](const FakeGithubReviewComment& c) { return c.id == to && c.pull == number; });
    if (target == m_review_comments.end()) return send_error(res, 404, "Not Found");
    json body = parse_body(req);
    if (body.is_discarded() || !body.contains("body") || !body["body"].is_string() ||
        body["body"].get<std::string>().empty())
      return send_error(res, 422, "Validation Failed");
    if (target->in_reply_to) return send_error(res, 422, "Validation Failed");
    FakeGithubReviewComment reply{m_next_id++,  number,       target->path, target->line,    target->id,
                                  body["body"], "fanout-bot", "User",       next_timestamp()};
    m_review_comments.push_back(reply);
    send_json(res, 201, review_comment_json(reply));
  });

  // 202 with a message on success; 422 when the expected head moved or the merge conflicts.
  s.Put(base + R"(/pulls/(\d+)/update-branch)", [this](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m_mutex);
    const int number = std::stoi(req.matches[1]);
    auto it = m_pulls.find(number);
    if (it == m_pulls.end()) return send_error(res, 404, "Not Found");
    json body = req.body.empty() ? json::object() : parse_body(req);
    if (body.is_discarded()) return send_error(res, 400, "Problems parsing JSON");
    refresh_from_git();
    auto& pull = it->second;
    const std::string expected = body.is_object() ? body.value("expected_head_sha", "") : "";
    if (!expected.empty() && expected != pull.head_sha)
      return send_error(res, 422, "expected head sha didn't match current head ref.");
    if (pull.mergeable_state == "dirty" || (pull.mergeable && !*pull.mergeable))
      return send_error(res, 422, "merge conflict between base and head");
    if (!m_git_remote.empty() && !m_pinned_heads.count(number)) {
      if (!merge_base_with_git(pull)) return send_error(res, 422, "merge conflict between base and head");
    } else {
      pull.head_sha = "merged" + std::to_string(m_branch_updates[number] + 1) + "-" + pull.head_sha;
      pull.mergeable = true;
      pull.mergeable_state = "clean";
    }
    ++m_branch_updates[number];
    send_json(res, 202,
              {{"message", "Updating pull request branch."},
               {"url", "https://github.com/repos/" + m_repo + "/pulls/" + std::to_string(number)}});
  });
}

} // namespace fanout::test
