#pragma once
// FakeNeonServer: Neon API v2 on 127.0.0.1 with the documented shapes (wire-formats.md §6):
// one project with a default branch "main", branches with read_write endpoints, operations
// that report "running" for a few polls and then "finished", HTTP 423 while operations of the
// project are pending, and switchable failures (401/404/429/500/garbage via FakeService).

#include "tests/support/fake_service.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fanout::test {

class FakeNeonServer final : public FakeService {
public:
  /// Knobs; change them with configure() before or between calls.
  struct Options {
    int polls_until_done = 2;              ///< GETs of an operation that still say "running"
    int locked_calls = 0;                  ///< the next K branch POST/DELETE calls get 423
    bool fail_operations = false;          ///< operations end "failed" instead of "finished"
    int create_status = 201;               ///< 201, or 200 (both are seen in the wild)
    bool connection_uris_in_create = true; ///< include roles/databases/connection_uris on create
    int page_size = 0;                     ///< >0: list branches in pages with pagination.next
  };

  explicit FakeNeonServer(std::string project_id = "young-sun-123456", std::string api_key = "neon-test-key");
  ~FakeNeonServer() override;

  /// The API base to configure as api_url ("http://127.0.0.1:<port>/api/v2").
  std::string api_url() const { return url() + "/api/v2"; }
  const std::string& project_id() const { return m_project_id; }
  const std::string& api_key() const { return m_api_key; }
  /// The id of the default branch ("br-main-0000").
  std::string default_branch_id() const { return "br-main-0000"; }

  void configure(const Options& options);
  /// Adds a finished branch named `name` (with an endpoint) as if made elsewhere; returns its id.
  std::string add_branch(const std::string& name);
  /// Names of all branches, in creation order.
  std::vector<std::string> branch_names() const;
  /// The branch called `name` as the API shows it (null when absent).
  nlohmann::json branch(const std::string& name);
  /// Bodies of every branch POST, in order (FakeService records requests before their body is read).
  std::vector<nlohmann::json> posted_branches() const;
  /// Ids of every operation started so far, in order.
  std::vector<std::string> operation_ids() const;
  /// The URI connection_uri gives for `branch_id` ("postgresql://neondb_owner:npg_...@ep-...").
  static std::string uri_for(const std::string& endpoint_host, bool pooled);

protected:
  bool authorized(const httplib::Request& request) const override;
  FailureAnswers failure_answers() const override;

private:
  void routes();
  nlohmann::json new_operation(const std::string& branch_id, const std::string& endpoint_id, const std::string& action);
  bool project_busy() const;
  bool take_lock();
  void settle_branches();

  std::string m_project_id;
  std::string m_api_key;
  Options m_options;
  int m_next_id = 1;
  nlohmann::json m_branches = nlohmann::json::array();
  nlohmann::json m_endpoints = nlohmann::json::array();
  nlohmann::json m_operations = nlohmann::json::object(); ///< id -> {operation, polls}
  std::vector<std::string> m_operation_order;
  std::vector<nlohmann::json> m_posted;
};

} // namespace fanout::test
