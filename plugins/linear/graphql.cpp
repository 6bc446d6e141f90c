#include "graphql.hpp"

#include "support/http_send.hpp"
#include "support/json_access.hpp"

namespace fanout::linear {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;
using support::string_or;

namespace {

/// The first error's code and message, or empty strings.
std::pair<std::string, std::string> first_error(const json& body) {
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() || body["errors"].empty()) return {};
  const json& error = body["errors"][0];
  if (!error.is_object()) return {};
  std::string code;
  if (auto ext = error.find("extensions"); ext != error.end() && ext->is_object()) code = ext->value("code", "");
  std::string message = error.value("message", "");
  if (auto ext = error.find("extensions"); ext != error.end() && ext->is_object() && ext->contains("userPresentableMessage") &&
                                           (*ext)["userPresentableMessage"].is_string() && message.empty())
    message = (*ext)["userPresentableMessage"];
  return {code, message};
}

} // namespace

Graphql::Graphql(sdk::Host& host) : m_host(host) {
  const json& config = host.config();
  m_api_url = string_or(config, "api_url", "https://api.linear.app/graphql");
  m_token_env = string_or(config, "token_env", "LINEAR_API_KEY");
  m_oauth = string_or(config, "auth", "api_key") == "oauth";
}

sdk::Result<std::string> Graphql::credential() {
  std::lock_guard lock(m_mutex);
  if (!m_token.empty()) return m_token;
  auto value = m_host.secret(m_token_env);
  if (!value)
    return fail(FailureKind::auth, "linear needs " + std::string(m_oauth ? "an OAuth token" : "a personal API key") +
                                       ": environment variable \"" + m_token_env +
                                       "\" is not set (create a key under Settings > Security & access > Personal API keys)");
  return m_token = *value;
}

sdk::Result<json> Graphql::run(const std::string& query, const json& variables, const sdk::CancelToken& cancel,
                               const std::string& not_found) {
  auto token = credential();
  if (!token) return std::move(token).failure();
  sdk::HttpRequest request;
  request.method = "POST";
  request.url = m_api_url;
  // Personal API keys go bare: "Bearer lin_api_..." is rejected. OAuth tokens need Bearer.
  request.headers = {{"Authorization", m_oauth ? "Bearer " + *token : *token},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"},
                     {"User-Agent", "fanout-linear"}};
  request.body = json{{"query", query}, {"variables", variables}}.dump();

  auto sent = support::send_to("linear", m_host.http(), request, cancel);
  if (!sent) return std::move(sent).failure();
  const int status = sent->status;
  const json body = json::parse(sent->body, nullptr, false);
  const auto [code, message] = body.is_discarded() ? std::pair<std::string, std::string>() : first_error(body);
  const std::string key_kind = m_oauth ? "OAuth token" : "API key";

  if (status == 401 || code == "AUTHENTICATION_ERROR")
    return fail(FailureKind::auth, "linear rejected the " + key_kind + " from " + m_token_env +
                                       (m_oauth ? " (sent as \"Bearer\"; use auth = \"api_key\" for personal keys)"
                                                : " (sent without \"Bearer\"; set auth = \"oauth\" for OAuth tokens)"));
  if (status == 403 || code == "FORBIDDEN")
    return fail(FailureKind::auth, "linear denied access with the " + key_kind + " from " + m_token_env +
                                       (message.empty() ? "" : ": " + message) + " (the key needs read and write access to the team)");
  if (status >= 500)
    return fail(FailureKind::error, "linear failed with HTTP " + std::to_string(status) + " after " +
                                        std::to_string(request.max_retries + 1) + " attempts; try again later");
  if (body.is_discarded() || !body.is_object())
    return fail(FailureKind::error, "linear returned a response that is not JSON (HTTP " + std::to_string(status) + ")");
  if (!code.empty() || !message.empty()) {
    if (message.rfind("Entity not found", 0) == 0 || code == "NOT_FOUND")
      return fail(FailureKind::not_found, not_found.empty() ? "linear: " + message : not_found);
    return fail(status == 400 ? FailureKind::invalid_input : FailureKind::error,
                "linear rejected the request: " + (message.empty() ? code : message));
  }
  if (status != 200 || !body.contains("data") || !body["data"].is_object())
    return fail(FailureKind::error, "linear answered HTTP " + std::to_string(status) + " without data");
  return body["data"];
}

} // namespace fanout::linear
