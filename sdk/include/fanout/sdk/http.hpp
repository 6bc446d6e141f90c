#pragma once
// HttpClient: the host's HTTP service. Plugins never link an HTTP library themselves.

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/line_callback.hpp"
#include "fanout/sdk/result.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace fanout::sdk {

/// Header names are matched case-insensitively by the host; keep them as the API spells them.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// TLS settings of one request, for servers with their own certificate authority or that
/// want a client certificate (a Kubernetes API server from a kubeconfig). All empty: the
/// system's CAs, no client certificate. PEM text, not file names: the plugin reads the
/// files (or decodes kubeconfig's base64 `*-data` fields) and registers the key as a secret.
struct HttpTls {
  std::string ca_pem;          ///< trust these CAs instead of the system's
  std::string client_cert_pem; ///< client certificate chain
  std::string client_key_pem;  ///< its private key
  /// Skip verifying the server's certificate (kubeconfig's insecure-skip-tls-verify). The
  /// host logs a warning the first time a request uses it.
  bool insecure_skip_verify = false;
};

/// One request. `url` is absolute (plugins join their configurable base URL themselves).
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;
  /// Whole-transfer limit for one attempt.
  std::chrono::milliseconds timeout{30000};
  /// How many times to retry after the first attempt on a connection error, a 5xx, or a
  /// 429/403 rate limit (honouring `Retry-After` and `x-ratelimit-reset`), with exponential
  /// backoff. 0 disables retries (use it for non-idempotent calls the API cannot dedupe).
  int max_retries = 3;
  /// Longest the client will wait for one server-requested back-off before giving up with
  /// FailureKind::rate_limited instead of waiting.
  std::chrono::milliseconds max_retry_wait{60000};
  HttpTls tls; ///< since ABI 3.0
};

/// A response, whatever its status: a 404 is a response, not a failure of the client.
struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  /// First header with this name (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size()) {
        bool same = true;
        for (size_t i = 0; i < key.size() && same; ++i)
          same = (key[i] | 0x20) == (name[i] | 0x20);
        if (same) return value;
      }
    }
    return {};
  }
};

/// Sends requests with retries. Thread-safe: many plugin threads may call `send` at once.
/// Secrets registered with the host (every value returned by Host::secret) are redacted
/// from anything the client logs.
class HttpClient {
public:
  virtual ~HttpClient() = default;

  /// Blocks until a final response, the retry budget is spent, or `cancel` fires.
  /// Fails (timeout, cancelled, error) only when no HTTP response was obtained at all, or
  /// with rate_limited when the server kept asking to wait longer than allowed.
  virtual Result<HttpResponse> send(const HttpRequest& request, const CancelToken& cancel) = 0;

  /// Like `send`, but hands the body to `on_line` line by line as it arrives (a followed
  /// log, a watch stream of JSON lines) instead of keeping it: the returned response's body
  /// is empty when the status is 2xx, and holds the (error) body otherwise, whose lines are
  /// not passed to `on_line`. `request.timeout` limits the wait for the response headers and
  /// then for each next byte, not the whole stream; `cancel` or LineAction::stop end it early
  /// (a stop is not a failure). Retries happen only before the first line was delivered.
  /// Since ABI 3.0.
  virtual Result<HttpResponse> stream(const HttpRequest& request, const LineCallback& on_line,
                                      const CancelToken& cancel) = 0;
};

} // namespace fanout::sdk
