#pragma once
// CurlHttpClient: the host's sdk::HttpClient on libcurl, with retries, backoff, rate-limit
// handling, cancellation and redacted debug logging.

#include "host/services/secrets.hpp"

#include <fanout/sdk/http.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace spdlog {
class logger;
}

namespace fanout::services {

/// Tunables. Defaults suit real services; tests shrink the backoff and replace `sleep`.
struct HttpClientOptions {
  /// First backoff after a connection error or 5xx; doubles per attempt (with jitter).
  std::chrono::milliseconds min_backoff{1000};
  /// Longest backoff between two attempts when the server gave no wait of its own.
  std::chrono::milliseconds max_backoff{30000};
  /// Waits `duration` or until `cancel` fires; returns false when cancelled. The default
  /// sleeps in short slices, polling the token. Tests record the waits instead.
  std::function<bool(std::chrono::milliseconds duration, const sdk::CancelToken& cancel)> sleep;
  /// Wall clock, for Retry-After dates and reset times.
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
  /// Where requests are logged (debug level). Null means spdlog's default logger.
  std::shared_ptr<spdlog::logger> logger;
  /// Largest response body kept; the rest is dropped and the transfer fails with an error.
  size_t max_body_bytes = 64u << 20;
  /// Sent when the request has no User-Agent of its own.
  std::string user_agent = "fanout";
};

/// Thread-safe: one easy handle per attempt, curl_global_init exactly once. HttpRequest::tls
/// is applied per request (PEM blobs; see sdk::HttpTls); the first insecure_skip_verify
/// request logs a warning.
class CurlHttpClient final : public sdk::HttpClient {
public:
  explicit CurlHttpClient(HttpClientOptions options = {},
                          const SecretRegistry* secrets = &SecretRegistry::global());

  /// See sdk::HttpClient::send. Retries connection errors, timeouts and 5xx with
  /// exponential backoff; rate limits wait as the server says (bounded by
  /// `request.max_retry_wait`). After the last retry a 5xx response is returned as is;
  /// a rate limit becomes FailureKind::rate_limited naming when it resets.
  sdk::Result<sdk::HttpResponse> send(const sdk::HttpRequest& request, const sdk::CancelToken& cancel) override;

  /// See sdk::HttpClient::stream. `request.timeout` becomes a low-speed limit (less than one
  /// byte per second for that long, rounded up to whole seconds, ends the transfer as a
  /// timeout). Retries as `send` until the first line was delivered, never after.
  sdk::Result<sdk::HttpResponse> stream(const sdk::HttpRequest& request, const sdk::LineCallback& on_line,
                                        const sdk::CancelToken& cancel) override;

private:
  struct Attempt;
  /// send and stream: the retry loop; `on_line` null for send.
  sdk::Result<sdk::HttpResponse> exchange(const sdk::HttpRequest& request, const sdk::CancelToken& cancel,
                                          const sdk::LineCallback* on_line);
  Attempt perform(const sdk::HttpRequest& request, const sdk::CancelToken& cancel, const sdk::LineCallback* on_line) const;
  void debug(const std::string& line) const;
  bool wait(std::chrono::milliseconds duration, const sdk::CancelToken& cancel) const;

  HttpClientOptions m_options;
  const SecretRegistry* m_secrets;
  mutable std::atomic<bool> m_warned_insecure{false}; ///< insecure_skip_verify is logged once
};

/// "api.github.com" from "https://api.github.com/repos/x": for messages.
std::string host_of(const std::string& url);

} // namespace fanout::services
