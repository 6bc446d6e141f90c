#pragma once
// FakeLinearServer: Linear's GraphQL endpoint (POST /graphql), in memory, on 127.0.0.1.
// It recognises the operations fanout sends (issue, issues with filter + cursor paging,
// workflowStates, issueLabels, commentCreate, commentUpdate, issueUpdate with stateId or
// added/removedLabelIds) by the field they select, reads values from
// `variables`, and answers with Linear's shapes: data/errors, "Entity not found", HTTP 400
// with extensions.code RATELIMITED, and personal keys without "Bearer" (OAuth with it).

#include "tests/support/fake_service.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fanout::test {

struct FakeLinearIssue {
  std::string identifier; ///< "ENG-1"; assigned by add_issue when empty
  std::string title;
  std::string description;
  std::string state = "Todo"; ///< a workflow state name of the team
  std::vector<std::string> labels;
  std::string assignee;
  std::vector<std::string> comments;
  std::string id; ///< UUID-ish, assigned by add_issue
  std::vector<std::string> comment_ids; ///< parallel to `comments`, assigned by the fake
};

class FakeLinearServer final : public FakeService {
public:
  /// `team` is the only team's key. `oauth` makes it expect "Bearer <key>".
  explicit FakeLinearServer(std::string key = "lin_api_fake0123456789", std::string team = "ENG", bool oauth = false);
  ~FakeLinearServer() override;

  /// The endpoint to configure as `api_url`.
  std::string api_url() const { return url() + "/graphql"; }
  const std::string& key() const { return m_key; }

  /// Adds an issue; returns its identifier.
  std::string add_issue(FakeLinearIssue issue);
  FakeLinearIssue issue(const std::string& identifier) const;

  /// Makes a workspace label (one issueLabels finds besides those on issues).
  void add_label(const std::string& name);
  /// Deletes comment `id` as a person would in Linear; false when there is none.
  bool delete_comment(const std::string& id);

  /// Largest page the fake returns whatever `first` asks for (Linear's default is 50).
  void set_max_page_size(int size);
  /// The HTTP status of an authentication failure (Linear answers 400 or 401 [?]).
  void set_auth_failure_status(int status);

private:
  bool authorized(const httplib::Request& request) const override;
  FailureAnswers failure_answers() const override;
  nlohmann::json handle(const std::string& query, const nlohmann::json& variables, int& status);
  nlohmann::json issue_json(const FakeLinearIssue& issue) const;
  bool matches(const FakeLinearIssue& issue, const nlohmann::json& filter) const;
  std::string state_type(const std::string& state) const;

  std::string m_key;
  std::string m_team;
  bool m_oauth;
  int m_max_page = 50;
  int m_auth_status = 400;
  int m_next_comment = 1;
  std::vector<std::string> m_labels; ///< workspace labels besides those on issues
  std::vector<FakeLinearIssue> m_issues;
};

} // namespace fanout::test
