#include "neon_api.hpp"

#include "support/url_encoding.hpp"

#include <stdexcept>
#include <thread>

namespace fanout::neon {
namespace {

using sdk::FailureKind;

std::string q(const std::string& value) { return "\"" + value + "\""; }

// Neon errors are {"code": "...", "message": "..."}; anything else is quoted briefly.
std::string error_text(const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("message") && parsed["message"].is_string())
    return parsed["message"].get<std::string>();
  std::string text = body.substr(0, 200);
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text.empty() ? "(empty body)" : text;
}

} // namespace

NeonSettings read_settings(const nlohmann::json& config) {
  NeonSettings s;
  s.api_url = config.value("api_url", s.api_url);
  while (!s.api_url.empty() && s.api_url.back() == '/') s.api_url.pop_back();
  s.project_id = config.value("project_id", std::string());
  s.token_env = config.value("token_env", s.token_env);
  s.parent = config.value("parent", std::string());
  s.database = config.value("database", s.database);
  s.role = config.value("role", s.role);
  s.pooled = config.value("pooled", false);
  s.prefix = config.value("prefix", s.prefix);
  if (config.contains("poll_interval")) s.poll_interval = std::chrono::milliseconds(config["poll_interval"].get<long long>());
  if (config.contains("wait_timeout")) s.wait_timeout = std::chrono::milliseconds(config["wait_timeout"].get<long long>());
  if (s.project_id.empty())
    throw std::invalid_argument("[database] project_id is required for the neon brancher (the Neon project to branch)");
  if (s.prefix.empty()) throw std::invalid_argument("[database] prefix must not be empty: it marks the branches fanout made");
  return s;
}

std::string describe_wait(std::chrono::milliseconds duration) {
  const long long ms = duration.count();
  if (ms % 60000 == 0 && ms > 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0 && ms > 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + " ms";
}

bool NeonApi::pause(std::chrono::milliseconds duration, const sdk::CancelToken& cancel) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (cancel.cancelled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(50), until - std::chrono::steady_clock::now()));
  }
  return !cancel.cancelled();
}

std::string NeonApi::project_path() const {
  return "/projects/" + support::encode_path_segment(m_settings.project_id);
}

sdk::Result<NeonReply> NeonApi::send(const std::string& method, const std::string& path, const nlohmann::json& body,
                                     const std::set<int>& pass, int retries, const sdk::CancelToken& cancel) {
  auto token = m_host.secret(m_settings.token_env);
  if (!token.ok())
    return sdk::fail(FailureKind::auth, "the neon brancher needs an API key: " + token.failure().message);

  sdk::HttpRequest request;
  request.method = method;
  request.url = m_settings.api_url + path;
  request.headers = {{"Authorization", "Bearer " + token.value()}, {"Accept", "application/json"}};
  if (!body.is_null()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body.dump();
  }
  request.max_retries = retries;
  const std::string call = method + " " + path;

  auto sent = m_host.http().send(request, cancel);
  if (!sent.ok()) return sdk::fail(sent.failure().kind, "neon API call " + call + " failed: " + sent.failure().message);
  const sdk::HttpResponse& response = sent.value();
  const int status = response.status;
  const bool success = status >= 200 && status < 300;

  if (!success && !pass.count(status)) {
    const std::string said = error_text(response.body);
    if (status == 401)
      return sdk::fail(FailureKind::auth, "neon rejected the API key in " + q(m_settings.token_env) + " (HTTP 401 on " +
                                              call + "): " + said);
    if (status == 403)
      return sdk::fail(FailureKind::auth, "the API key in " + q(m_settings.token_env) + " may not access neon project " +
                                              q(m_settings.project_id) + " (HTTP 403 on " + call + "): " + said);
    if (status == 404)
      return sdk::fail(FailureKind::not_found, "neon API: not found (HTTP 404 on " + call + "): " + said +
                                                   " (check [database] project_id " + q(m_settings.project_id) + ")");
    if (status == 429)
      return sdk::fail(FailureKind::rate_limited, "neon API rate limit hit (HTTP 429 on " + call + "): " + said);
    return sdk::fail(FailureKind::error, "neon API error (HTTP " + std::to_string(status) + " on " + call + "): " + said);
  }

  NeonReply reply{status, nullptr, response.header("Retry-After")};
  if (!response.body.empty()) {
    reply.body = nlohmann::json::parse(response.body, nullptr, false);
    if (reply.body.is_discarded()) {
      if (!success) {
        reply.body = nullptr; // an error status we pass on; its body is only informative
      } else {
        return sdk::fail(FailureKind::error, "neon API returned invalid JSON (HTTP " + std::to_string(status) + " on " +
                                                 call + "): " + error_text(response.body));
      }
    }
  }
  return reply;
}

} // namespace fanout::neon
