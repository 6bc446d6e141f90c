#include "host/services/http_client.hpp"

#include "host/services/http_retry.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <mutex>
#include <thread>

namespace fanout::services {

using namespace std::chrono;

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct TransferState {
  sdk::HttpResponse response;
  const sdk::CancelToken* cancel = nullptr;
  size_t max_body = 0;
  bool body_too_large = false;
  // Streaming (on_line set): a 2xx body goes to on_line line by line instead of `response`.
  CURL* curl = nullptr;
  const sdk::LineCallback* on_line = nullptr;
  std::string partial; ///< the received part of the next line
  size_t lines = 0;    ///< lines handed to on_line
  bool stopped = false;
};

bool streams_body(TransferState& state) {
  if (!state.on_line) return false;
  long status = 0;
  curl_easy_getinfo(state.curl, CURLINFO_RESPONSE_CODE, &status);
  return status >= 200 && status < 300;
}

/// Hands one line (without "\n" or a trailing "\r") to on_line; false once it said stop.
bool deliver(TransferState& state, std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++state.lines;
  if ((*state.on_line)(sdk::Stream::out, std::string(line)) == sdk::LineAction::stop) state.stopped = true;
  return !state.stopped;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t bytes = size * count;
  if (streams_body(*state)) {
    state->partial.append(data, bytes);
    size_t start = 0;
    for (size_t end; (end = state->partial.find('\n', start)) != std::string::npos; start = end + 1)
      if (!deliver(*state, std::string_view(state->partial).substr(start, end - start))) return 0;
    state->partial.erase(0, start);
    if (state->partial.size() > state->max_body) {
      state->body_too_large = true;
      return 0;
    }
    return bytes;
  }
  if (state->response.body.size() + bytes > state->max_body) {
    state->body_too_large = true;
    return 0; // makes curl fail with CURLE_WRITE_ERROR
  }
  state->response.body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<TransferState*>(user);
  const size_t bytes = size * count;
  std::string line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    state->response.headers.clear(); // a new response (after a redirect or 100 Continue)
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    std::string value = line.substr(colon + 1);
    size_t start = value.find_first_not_of(" \t");
    state->response.headers.emplace_back(line.substr(0, colon), start == std::string::npos ? "" : value.substr(start));
  }
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* state = static_cast<TransferState*>(user);
  return state->cancel->cancelled() ? 1 : 0;
}

bool has_header(const sdk::HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    (void)value;
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return (a | 0x20) == (b | 0x20); }))
      return true;
  }
  return false;
}

void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(curl, option, &blob);
}

void apply_tls(CURL* curl, const sdk::HttpTls& tls) {
  if (!tls.ca_pem.empty()) {
    set_blob(curl, CURLOPT_CAINFO_BLOB, tls.ca_pem);
    curl_easy_setopt(curl, CURLOPT_CAPATH, nullptr); // these CAs only, not the system's too
  }
  if (!tls.client_cert_pem.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
  }
  if (!tls.client_key_pem.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
  }
  if (tls.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

/// Errors a retry cannot fix: the response was too large, or TLS refused the peer or our
/// own certificate (a wrong CA, an expired or unreadable certificate).
bool final_error(CURLcode code) {
  switch (code) {
  case CURLE_WRITE_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_ISSUER_ERROR:
    return true;
  default:
    return false;
  }
}

bool default_sleep(milliseconds duration, const sdk::CancelToken& cancel) {
  const auto deadline = steady_clock::now() + duration;
  while (steady_clock::now() < deadline) {
    if (cancel.cancelled()) return false;
    std::this_thread::sleep_for(std::min<steady_clock::duration>(milliseconds(20), deadline - steady_clock::now()));
  }
  return !cancel.cancelled();
}

} // namespace

/// The outcome of one attempt: a response, or a curl error.
struct CurlHttpClient::Attempt {
  std::optional<sdk::HttpResponse> response;
  CURLcode code = CURLE_OK;
  std::string error;
  bool cancelled = false;
  bool timed_out = false;
  size_t lines = 0;     ///< lines a stream handed to its callback
  bool stopped = false; ///< the stream's callback said LineAction::stop
};

CurlHttpClient::CurlHttpClient(HttpClientOptions options, const SecretRegistry* secrets)
    : m_options(std::move(options)), m_secrets(secrets) {
  global_init();
  if (!m_options.sleep) m_options.sleep = default_sleep;
}

std::string host_of(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = authority.rfind('@'); at != std::string::npos) authority = authority.substr(at + 1);
  return authority;
}

void CurlHttpClient::debug(const std::string& line) const {
  const std::string clean = m_secrets ? m_secrets->redact(line) : mask_url_password(line);
  auto logger = m_options.logger ? m_options.logger : spdlog::default_logger();
  logger->debug("http: {}", clean);
}

bool CurlHttpClient::wait(milliseconds duration, const sdk::CancelToken& cancel) const {
  return m_options.sleep(duration, cancel);
}

CurlHttpClient::Attempt CurlHttpClient::perform(const sdk::HttpRequest& request, const sdk::CancelToken& cancel,
                                                const sdk::LineCallback* on_line) const {
  Attempt attempt;
  CURL* curl = curl_easy_init();
  if (!curl) {
    attempt.code = CURLE_FAILED_INIT;
    attempt.error = "could not create an HTTP handle";
    return attempt;
  }
  TransferState state;
  state.cancel = &cancel;
  state.max_body = m_options.max_body_bytes;
  state.curl = curl;
  state.on_line = on_line;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
  if (!has_header(request.headers, "User-Agent"))
    headers = curl_slist_append(headers, ("User-Agent: " + m_options.user_agent).c_str());
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  // A compressed stream reaches us in the compressor's blocks, not line by line.
  if (!on_line) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  if (on_line) {
    // A followed log may stay open for hours: limit the silence, not the transfer.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<long long>(1, (request.timeout.count() + 999) / 1000)));
  } else {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(request.timeout.count(), 15000)));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &state);
  apply_tls(curl, request.tls);
  if (request.tls.insecure_skip_verify && !m_warned_insecure.exchange(true)) {
    auto logger = m_options.logger ? m_options.logger : spdlog::default_logger();
    logger->warn("not verifying the TLS certificate of {} (insecure-skip-tls-verify): anyone on the network path can read and change this traffic",
                 host_of(request.url));
  }

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    }
  }

  attempt.code = curl_easy_perform(curl);
  if (attempt.code == CURLE_WRITE_ERROR && state.stopped) attempt.code = CURLE_OK; // the caller's stop
  if (attempt.code == CURLE_OK && !state.stopped && !state.partial.empty() && streams_body(state))
    deliver(state, state.partial); // the last line had no newline
  attempt.lines = state.lines;
  attempt.stopped = state.stopped;
  if (attempt.code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    state.response.status = static_cast<int>(status);
    attempt.response = std::move(state.response);
  } else {
    attempt.cancelled = attempt.code == CURLE_ABORTED_BY_CALLBACK || cancel.cancelled();
    attempt.timed_out = attempt.code == CURLE_OPERATION_TIMEDOUT;
    attempt.error = state.body_too_large ? "the response is larger than " + std::to_string(m_options.max_body_bytes >> 20) + " MiB"
                    : error_buffer[0]   ? std::string(error_buffer)
                                        : std::string(curl_easy_strerror(attempt.code));
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return attempt;
}

sdk::Result<sdk::HttpResponse> CurlHttpClient::send(const sdk::HttpRequest& request, const sdk::CancelToken& cancel) {
  return exchange(request, cancel, nullptr);
}

sdk::Result<sdk::HttpResponse> CurlHttpClient::stream(const sdk::HttpRequest& request, const sdk::LineCallback& on_line,
                                                      const sdk::CancelToken& cancel) {
  return exchange(request, cancel, &on_line);
}

sdk::Result<sdk::HttpResponse> CurlHttpClient::exchange(const sdk::HttpRequest& request, const sdk::CancelToken& cancel,
                                                        const sdk::LineCallback* on_line) {
  const std::string what = request.method + " " + request.url;
  const std::string where = host_of(request.url);
  const int attempts = 1 + std::max(0, request.max_retries);
  for (int i = 0;; ++i) {
    if (cancel.cancelled()) return sdk::fail(sdk::FailureKind::cancelled, "cancelled before " + request.method + " to " + where);
    const auto started = steady_clock::now();
    Attempt attempt = perform(request, cancel, on_line);
    const auto took = duration_cast<milliseconds>(steady_clock::now() - started);
    // A stream that delivered lines is not repeated: the caller would see them twice.
    const bool last = i + 1 >= attempts || attempt.lines > 0;
    const std::string tag = " (attempt " + std::to_string(i + 1) + "/" + std::to_string(attempts) + ")";

    if (!attempt.response) {
      debug(what + " failed after " + format_duration(took) + tag + ": " + attempt.error);
      if (attempt.cancelled) return sdk::fail(sdk::FailureKind::cancelled, request.method + " to " + where + " was cancelled");
      if (final_error(attempt.code) || last) {
        const std::string tries = i > 0 ? " after " + std::to_string(i + 1) + " attempts" : "";
        if (attempt.timed_out && on_line)
          return sdk::fail(sdk::FailureKind::timeout, request.method + " to " + where + " sent nothing for " +
                                                          format_duration(request.timeout) + tries);
        if (attempt.timed_out)
          return sdk::fail(sdk::FailureKind::timeout, request.method + " to " + where + " timed out after " +
                                                          format_duration(request.timeout) + tries);
        const std::string message = request.method + " to " + where + " failed" + tries + ": " + attempt.error;
        return sdk::fail(sdk::FailureKind::error, m_secrets ? m_secrets->redact(message) : message);
      }
      auto delay = backoff(i, m_options.min_backoff, m_options.max_backoff);
      debug("retrying " + what + " in " + format_duration(delay));
      if (!wait(delay, cancel)) return sdk::fail(sdk::FailureKind::cancelled, request.method + " to " + where + " was cancelled");
      continue;
    }

    sdk::HttpResponse& response = *attempt.response;
    debug(what + " -> " + std::to_string(response.status) + " in " + format_duration(took) + tag);
    const RetryAdvice advice = classify(response, m_options.now());
    if (advice.reason == RetryReason::none || attempt.stopped || attempt.lines > 0) return std::move(response);

    if (advice.reason == RetryReason::rate_limited) {
      const std::string resets = advice.resets_at.empty() ? "" : " (the limit resets at " + advice.resets_at + ")";
      if (advice.server_wait && *advice.server_wait > request.max_retry_wait)
        return sdk::fail(sdk::FailureKind::rate_limited,
                         "rate limited by " + where + ": asked to wait " + format_duration(*advice.server_wait) +
                             ", longer than the " + format_duration(request.max_retry_wait) + " fanout waits" + resets);
      if (last)
        return sdk::fail(sdk::FailureKind::rate_limited, "rate limited by " + where + " after " +
                                                             std::to_string(attempts) + " attempts" + resets);
    } else if (last || (advice.server_wait && *advice.server_wait > request.max_retry_wait)) {
      return std::move(response); // a 5xx after the last retry is the caller's to explain
    }

    auto delay = advice.server_wait ? *advice.server_wait : backoff(i, m_options.min_backoff, m_options.max_backoff);
    debug("retrying " + what + " in " + format_duration(delay) + " after HTTP " + std::to_string(response.status));
    if (!wait(delay, cancel)) return sdk::fail(sdk::FailureKind::cancelled, request.method + " to " + where + " was cancelled");
  }
}

} // namespace fanout::services
