#include "rest.hpp"

#include "support/http_send.hpp"
#include "support/json_access.hpp"

namespace fanout::jira {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;
using support::string_or;

namespace {

/// Jira's own words: errorMessages and errors{field: message}, joined.
std::string jira_message(const json& body) {
  if (!body.is_object()) return "";
  std::string out;
  if (auto list = body.find("errorMessages"); list != body.end() && list->is_array())
    for (const auto& m : *list)
      if (m.is_string()) out += (out.empty() ? "" : "; ") + m.get<std::string>();
  if (auto fields = body.find("errors"); fields != body.end() && fields->is_object())
    for (const auto& [field, m] : fields->items())
      if (m.is_string()) out += (out.empty() ? "" : "; ") + field + ": " + m.get<std::string>();
  return out;
}

} // namespace

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int value = 0, bits = -6;
  for (unsigned char c : in) {
    value = (value << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(table[(value >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(table[((value << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

Rest::Rest(sdk::Host& host) : m_host(host) {
  const json& config = host.config();
  m_site = string_or(config, "site", "");
  while (!m_site.empty() && m_site.back() == '/') m_site.pop_back();
  m_email_env = string_or(config, "email_env", "JIRA_EMAIL");
  m_token_env = string_or(config, "token_env", "JIRA_API_TOKEN");
  if (m_site.empty())
    m_config_error = fail(FailureKind::invalid_input, "jira: config key \"site\" is not set (expected e.g. \"https://acme.atlassian.net\")");
}

sdk::Result<std::string> Rest::authorization() {
  std::lock_guard lock(m_mutex);
  if (!m_authorization.empty()) return m_authorization;
  auto email = m_host.secret(m_email_env);
  if (!email)
    return fail(FailureKind::auth, "jira needs your Atlassian account email: environment variable \"" + m_email_env + "\" is not set");
  auto token = m_host.secret(m_token_env);
  if (!token)
    return fail(FailureKind::auth, "jira needs an API token: environment variable \"" + m_token_env +
                                       "\" is not set (create one at https://id.atlassian.com/manage-profile/security/api-tokens)");
  return m_authorization = "Basic " + base64(*email + ":" + *token);
}

sdk::Result<json> Rest::call(const std::string& method, const std::string& path, const json* body,
                             const sdk::CancelToken& cancel, const std::string& not_found) {
  if (m_config_error) return *m_config_error;
  auto auth = authorization();
  if (!auth) return std::move(auth).failure();
  sdk::HttpRequest request;
  request.method = method;
  request.url = m_site + path;
  request.headers = {{"Authorization", *auth}, {"Accept", "application/json"}, {"User-Agent", "fanout-jira"}};
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  std::string what = method + " " + path.substr(0, path.find('?'));

  auto sent = support::send_to("jira", m_host.http(), request, cancel);
  if (!sent) return std::move(sent).failure();
  const int status = sent->status;
  json parsed = sent->body.empty() ? json(nullptr) : json::parse(sent->body, nullptr, false);
  if (status >= 200 && status < 300) {
    if (parsed.is_discarded())
      return fail(FailureKind::error, "jira returned a response that is not JSON for " + what + " (HTTP " + std::to_string(status) +
                                          "): check that \"" + m_site + "\" is a Jira Cloud site");
    return parsed;
  }
  const std::string said = parsed.is_discarded() ? "" : jira_message(parsed);
  const std::string detail = "HTTP " + std::to_string(status) + (said.empty() ? "" : " \"" + said + "\"");
  switch (status) {
  case 401:
    return fail(FailureKind::auth, "jira rejected the credentials from " + m_email_env + " and " + m_token_env + " (" + detail +
                                       "): use your Atlassian account email and an API token");
  case 403:
    return fail(FailureKind::auth, "jira denied " + what + " (" + detail + "): the account in " + m_email_env +
                                       " likely lacks the Browse projects, Add comments or Transition issues permission");
  case 404:
    return fail(FailureKind::not_found, not_found.empty() ? "jira found nothing at " + what + " (" + detail + ")" : not_found);
  case 410:
    return fail(FailureKind::unsupported, "jira says " + what + " is gone (" + detail + ")");
  default: break;
  }
  if (status >= 500)
    return fail(FailureKind::error, "jira failed with " + detail + " for " + what + " after " +
                                        std::to_string(request.max_retries + 1) + " attempts; try again later");
  return fail(status == 400 ? FailureKind::invalid_input : FailureKind::error, "jira answered " + detail + " for " + what);
}

} // namespace fanout::jira
