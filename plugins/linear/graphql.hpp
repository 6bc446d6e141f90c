#pragma once
// Graphql: calls to Linear's GraphQL endpoint with its auth rules and error shapes.

#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <mutex>
#include <string>

namespace fanout::linear {

/// Thread-safe. Reads `api_url`, `token_env` and `auth` from the host's config.
class Graphql {
public:
  explicit Graphql(sdk::Host& host);

  /// Runs `query` with `variables`; returns `data`. GraphQL errors are failures even with
  /// HTTP 200: "Entity not found" becomes FailureKind::not_found with `not_found` as message.
  sdk::Result<nlohmann::json> run(const std::string& query, const nlohmann::json& variables,
                                  const sdk::CancelToken& cancel, const std::string& not_found = "");

private:
  sdk::Result<std::string> credential();

  sdk::Host& m_host;
  std::string m_api_url;
  std::string m_token_env;
  bool m_oauth = false;
  std::mutex m_mutex;
  std::string m_token;
};

} // namespace fanout::linear
