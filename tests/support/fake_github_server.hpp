#pragma once
// FakeGithubServer: GitHub REST v3 for one repository, in memory, on 127.0.0.1.
// Shapes follow docs/../wire-formats.md section 3: issues (pull requests included, with a
// `pull_request` object), issue comments (listed, created, edited and deleted by id), labels, pulls (head=owner:branch), reviews, Link
// pagination, Bearer/token auth, 401 "Bad credentials", 403 without User-Agent.

#include "tests/support/fake_service.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fanout::test {

struct FakeGithubIssue {
  int number = 0; ///< assigned by add_issue when 0
  std::string title;
  std::string body;
  std::string state = "open"; ///< open | closed
  std::vector<std::string> labels;
  std::string assignee;
  std::string milestone; ///< a milestone number as text ("3"), matched by ?milestone=
  std::vector<std::string> comments;
};

struct FakeGithubPull {
  int number = 0;
  std::string title;
  std::string body;
  std::string head; ///< branch
  std::string base;
  std::string state = "open"; ///< open | closed
  bool draft = false;
  bool merged = false;
  std::vector<std::string> comments;
};

struct FakeGithubReview {
  int pull = 0;
  std::string event; ///< APPROVE | REQUEST_CHANGES | COMMENT as posted
  std::string body;
  nlohmann::json comments = nlohmann::json::array(); ///< [{path, line, side, body}]
  std::string user = "fanout-bot";
};

class FakeGithubServer final : public FakeService {
public:
  /// Serves `owner/name`; requests must carry `Authorization: Bearer <token>` (or `token <token>`).
  explicit FakeGithubServer(std::string repo = "acme/widgets", std::string token = "ghp_fake_token_0123456789");
  ~FakeGithubServer() override;

  /// API base URL to configure as `api_url`.
  std::string api_url() const { return url(); }
  const std::string& token() const { return m_token; }
  const std::string& repo() const { return m_repo; }

  /// Adds an issue; returns its number. Issues and pulls share one number sequence.
  int add_issue(FakeGithubIssue issue);
  /// Adds a pull request (as if pushed and opened elsewhere); returns its number.
  int add_pull(FakeGithubPull pull);
  /// Marks a pull merged (state closed, merged true).
  void merge_pull(int number);
  /// Adds a submitted review to a pull.
  void add_review(FakeGithubReview review);

  std::optional<FakeGithubIssue> issue(int number) const;
  std::optional<FakeGithubPull> pull(int number) const;
  std::vector<FakeGithubPull> pulls() const;
  std::vector<FakeGithubReview> reviews(int pull) const;

  /// Ids of the issue comments on issue or pull `number`, in the order of its `comments`
  /// (as GET /issues/{number}/comments lists them).
  std::vector<int> comment_ids(int number);
  /// Deletes issue comment `id` as a person would on github.com; false when there is none.
  bool delete_comment(int id);

  /// Default page size when the client sends no per_page (GitHub's is 30).
  void set_default_per_page(int per_page);

private:
  bool authorized(const httplib::Request& request) const override;
  FailureAnswers failure_answers() const override;
  void add_routes();
  /// GET/POST /issues/{n}/comments, GET/PATCH/DELETE /issues/comments/{id}.
  void add_issue_comment_routes();

  /// Sends `items` paginated by ?page/&per_page with a Link header.
  void paginate(const httplib::Request& req, httplib::Response& res, const nlohmann::json& items) const;

  nlohmann::json issue_json(const FakeGithubIssue& issue) const;
  nlohmann::json pull_as_issue_json(const FakeGithubPull& pull) const;
  nlohmann::json pull_json(const FakeGithubPull& pull) const;

  std::string m_repo;
  std::string m_token;
  /// `asked`, or the next free number when it is 0 (issues and pulls share numbers). Under m_mutex.
  int number_for(int asked);
  int m_next_number = 1;
  int m_default_per_page = 30;
  std::map<int, FakeGithubIssue> m_issues;
  std::map<int, FakeGithubPull> m_pulls;
  std::vector<FakeGithubReview> m_reviews;
  int m_next_id = 1000;
  /// Issue and pull number -> the ids of its `comments`, index by index; ids of comments
  /// added with the issue are given on first use (ids_of). Under m_mutex.
  std::map<int, std::vector<int>> m_comment_ids;
  std::vector<std::string>* comments_of(int number);
  std::vector<int>& ids_of(int number);
  nlohmann::json comment_json(int number, int id, const std::string& body, const std::string& user) const;
};

} // namespace fanout::test
