#pragma once
// When and how long to wait before retrying an HTTP request: the retry policy of the host's
// HttpClient, kept apart from libcurl so it can be tested with plain values.

#include <fanout/sdk/http.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace fanout::services {

/// What a response asks of the client.
enum class RetryReason {
  none,         ///< final: hand the response to the caller
  server_error, ///< 5xx: retry with backoff (or the server's Retry-After)
  rate_limited, ///< 429, 403 with rate-limit signals, GraphQL RATELIMITED: wait as told
};

/// The verdict on one response.
struct RetryAdvice {
  RetryReason reason = RetryReason::none;
  /// How long the server asked us to wait, when it said so (Retry-After, or a reset time
  /// with no requests remaining). Absent means "use exponential backoff".
  std::optional<std::chrono::milliseconds> server_wait;
  /// When the limit resets, as the server stated it, for messages ("" when unknown).
  std::string resets_at;
};

/// Classifies a response. `now` is the wall clock (injected for tests).
/// Rate-limit signals: status 429; 403 with Retry-After, `x-ratelimit-remaining: 0` or a
/// "rate limit" message (GitHub's secondary limit); 400 whose GraphQL body has
/// `errors[].extensions.code == "RATELIMITED"` (Linear).
RetryAdvice classify(const sdk::HttpResponse& response, std::chrono::system_clock::time_point now);

/// Parses Retry-After: delay seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT").
std::optional<std::chrono::milliseconds> parse_retry_after(const std::string& value,
                                                           std::chrono::system_clock::time_point now);

/// Parses a rate-limit reset header: epoch seconds (GitHub), epoch milliseconds (values
/// past year 33658, Linear), or ISO-8601 ("2025-01-01T12:00:00Z", Jira). Absent when unparseable.
std::optional<std::chrono::system_clock::time_point> parse_reset(const std::string& value);

/// Exponential backoff with jitter for attempt `attempt` (0-based): a random duration in
/// [base*2^attempt / 2, base*2^attempt], capped at `cap`.
std::chrono::milliseconds backoff(int attempt, std::chrono::milliseconds base, std::chrono::milliseconds cap);

/// "2025-01-01 12:00:00 UTC" for messages.
std::string format_utc(std::chrono::system_clock::time_point when);

/// "1.5s", "42m", "2h 5m": a short human duration.
std::string format_duration(std::chrono::milliseconds duration);

} // namespace fanout::services
