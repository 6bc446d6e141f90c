#pragma once
// Rest: Jira Cloud REST v3 calls with Basic auth (email + API token) and Jira's error shapes.

#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <string>

namespace fanout::jira {

/// Thread-safe. Reads `site`, `email_env`, `token_env` from the host's config.
class Rest {
public:
  explicit Rest(sdk::Host& host);

  /// One call to `path` ("/rest/api/3/issue/PROJ-1") on the site. 2xx gives the parsed
  /// body (null for 204); a 404 gives FailureKind::not_found with `not_found` as message.
  sdk::Result<nlohmann::json> call(const std::string& method, const std::string& path, const nlohmann::json* body,
                                   const sdk::CancelToken& cancel, const std::string& not_found = "");

  const std::string& email_env() const { return m_email_env; }

private:
  sdk::Result<std::string> authorization();

  sdk::Host& m_host;
  std::string m_site;
  std::string m_email_env;
  std::string m_token_env;
  std::optional<sdk::Failure> m_config_error;
  std::mutex m_mutex;
  std::string m_authorization;
};

/// Standard base64 (for the Basic credentials).
std::string base64(const std::string& data);

} // namespace fanout::jira
