#pragma once
// Api: GitHub REST v3 calls for one repository: auth, headers, error messages, Link pagination.

#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fanout::github {

/// How one call is sent.
struct CallOptions {
  /// Retries after a connection error, a 5xx or a rate limit; 0 for a call that must not be
  /// repeated (a comment that may have been posted already).
  int max_retries = 3;
  /// The answer is text (a log), not JSON: `call` returns it as a JSON string.
  bool text = false;
};

/// Shared by the tracker and the code host of one plugin instance. Thread-safe.
class Api {
public:
  /// Reads `repo`, `api_url`, `token_env` from the host's config. A bad `repo` is reported
  /// by every call (constructors cannot fail across the boundary).
  explicit Api(sdk::Host& host);

  const std::string& owner() const { return m_owner; }
  /// "owner/name"
  const std::string& repo() const { return m_repo; }
  sdk::Host& host() { return m_host; }

  /// One call. `path` is relative to /repos/owner/name ("/issues/3") or an absolute URL.
  /// A 404 becomes FailureKind::not_found with `not_found` as its message (a generic one
  /// when empty); other errors get messages that name the token's source and its scope.
  sdk::Result<nlohmann::json> call(const std::string& method, const std::string& path, const nlohmann::json* body,
                                   const sdk::CancelToken& cancel, const std::string& not_found = "",
                                   const CallOptions& options = {});

  /// GETs `path` and every page after it (Link rel="next"), concatenating the arrays;
  /// `keep` filters rows, `limit` (0 = none) stops early. With `items_key`, each page is an
  /// object whose array is at that key (the checks API's {"total_count", "check_runs": [...]}).
  template <typename Keep>
  sdk::Result<std::vector<nlohmann::json>> list(const std::string& path, const sdk::CancelToken& cancel, size_t limit,
                                                Keep keep, const std::string& items_key = "");

private:
  struct Reply {
    int status = 0;
    std::string link;
    nlohmann::json body;
  };
  sdk::Result<Reply> send(const std::string& method, const std::string& path, const nlohmann::json* body,
                          const sdk::CancelToken& cancel, const std::string& not_found, const CallOptions& options);
  sdk::Result<std::string> token(const sdk::CancelToken& cancel);

  sdk::Host& m_host;
  std::string m_api_url;
  std::string m_repo;
  std::string m_owner;
  std::string m_token_env;
  std::optional<sdk::Failure> m_config_error;

  std::mutex m_mutex;
  std::string m_token;
  std::string m_token_source; ///< "GITHUB_TOKEN", "gh auth token": for messages
};

/// The URL of rel="next" in a Link header, or "".
std::string next_link(const std::string& link_header);

template <typename Keep>
sdk::Result<std::vector<nlohmann::json>> Api::list(const std::string& path, const sdk::CancelToken& cancel,
                                                   size_t limit, Keep keep, const std::string& items_key) {
  std::vector<nlohmann::json> rows;
  for (std::string next = path; !next.empty();) {
    auto reply = send("GET", next, nullptr, cancel, "", {});
    if (!reply) return std::move(reply).failure();
    static const nlohmann::json k_none;
    const bool wrapped = !items_key.empty();
    nlohmann::json& body = reply->body;
    const nlohmann::json& page = !wrapped ? body : body.is_object() && body.contains(items_key) ? body[items_key] : k_none;
    if (!page.is_array())
      return sdk::fail(sdk::FailureKind::error, "github returned something other than a list for GET " + path);
    for (const auto& row : page) {
      if (!keep(row)) continue;
      rows.push_back(row);
      if (limit && rows.size() >= limit) return rows;
    }
    next = next_link(reply->link);
  }
  return rows;
}

} // namespace fanout::github
