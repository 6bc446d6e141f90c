#pragma once
// NeonApi: calls to the Neon API v2 through the host's HttpClient, with Neon's errors turned
// into messages that say which call failed and what to do.

#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <set>
#include <string>

namespace fanout::neon {

/// Settings from the plugin's config table (durations in milliseconds).
struct NeonSettings {
  std::string api_url = "https://console.neon.tech/api/v2";
  std::string project_id;
  std::string token_env = "NEON_API_KEY";
  std::string parent;                        ///< branch name or id ("br-..."); "" = the default branch
  std::string database = "neondb";
  std::string role = "neondb_owner";
  bool pooled = false;
  std::string prefix = "fanout-";
  std::chrono::milliseconds poll_interval{1000};
  std::chrono::milliseconds wait_timeout{300000};
};

/// Reads the config; throws std::invalid_argument with a user-facing message when it is unusable.
NeonSettings read_settings(const nlohmann::json& config);

/// A response the caller wants to look at: its status and parsed body (null when empty).
struct NeonReply {
  int status = 0;
  nlohmann::json body;
  std::string retry_after; ///< the Retry-After header, for 423/429 the caller retries itself
};

class NeonApi {
public:
  NeonApi(sdk::Host& host, const NeonSettings& settings) : m_host(host), m_settings(settings) {}

  /// Sends one request to `path` (relative to api_url, starting with "/"). 2xx and the
  /// statuses in `pass` come back as replies; everything else is a failure whose message
  /// names the call: 401/403 name the token's variable, 5xx and other 4xx quote Neon's
  /// message. `retries` is the host client's retry budget (0 for calls that must not repeat).
  sdk::Result<NeonReply> send(const std::string& method, const std::string& path, const nlohmann::json& body,
                              const std::set<int>& pass, int retries, const sdk::CancelToken& cancel);

  /// "/projects/<id>" with the id percent-encoded.
  std::string project_path() const;

  /// Waits `duration` unless `cancel` fires first; false when cancelled.
  static bool pause(std::chrono::milliseconds duration, const sdk::CancelToken& cancel);

private:
  sdk::Host& m_host;
  const NeonSettings& m_settings;
};

/// "250 ms", "2s", "5m": for messages about waits.
std::string describe_wait(std::chrono::milliseconds duration);

} // namespace fanout::neon
