#pragma once
// FakeJiraServer: Jira Cloud REST v3, in memory, on 127.0.0.1: issues with ADF descriptions,
// the enhanced search /rest/api/3/search/jql (GET and POST, nextPageToken paging), 410 on
// the removed /rest/api/3/search, ADF comments (created, and edited and deleted by id),
// label edits (PUT issue with "update"), transitions by id, Basic auth.

#include "tests/support/fake_service.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fanout::test {

struct FakeJiraIssue {
  std::string key; ///< "PROJ-1"; assigned by add_issue when empty
  std::string summary;
  nlohmann::json description = nullptr; ///< an ADF doc or null
  std::string status = "To Do";         ///< To Do | In Progress | Done
  std::vector<std::string> labels;
  std::string assignee;
  std::vector<nlohmann::json> comments; ///< ADF docs as posted
  std::vector<std::string> comment_ids; ///< parallel to `comments`, assigned by the fake
};

class FakeJiraServer final : public FakeService {
public:
  /// Accepts `Authorization: Basic base64(email:token)` only.
  FakeJiraServer(std::string email = "dev@example.com", std::string token = "ATATT3xFakeJiraToken0123", std::string project = "PROJ");
  ~FakeJiraServer() override;

  /// The site URL to configure as `site`.
  std::string site() const { return url(); }
  const std::string& email() const { return m_email; }
  const std::string& token() const { return m_token; }

  std::string add_issue(FakeJiraIssue issue);
  FakeJiraIssue issue(const std::string& key) const;
  /// Deletes comment `id` as a person would in Jira; false when there is none.
  bool delete_comment(const std::string& id);
  /// Largest page the search returns, whatever maxResults asks for.
  void set_max_page_size(int size);
  /// Makes /rest/api/3/search/jql answer 410 too (a site without the enhanced search).
  void set_enhanced_search_gone(bool gone);

private:
  bool authorized(const httplib::Request& request) const override;
  FailureAnswers failure_answers() const override;
  void add_comment_routes();
  void add_edit_route();
  void search(const std::string& jql, int max_results, const std::string& token, httplib::Response& res) const;
  nlohmann::json issue_json(const FakeJiraIssue& issue) const;
  bool matches(const FakeJiraIssue& issue, const std::string& jql) const;

  std::string m_email;
  std::string m_token;
  std::string m_project;
  int m_max_page = 50;
  bool m_search_gone = false;
  int m_next_comment = 10001;
  std::vector<FakeJiraIssue> m_issues;
};

} // namespace fanout::test
