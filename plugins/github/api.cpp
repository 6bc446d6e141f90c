#include "api.hpp"

#include "support/http_send.hpp"
#include "support/json_access.hpp"

namespace fanout::github {

using nlohmann::json;
using sdk::fail;
using sdk::FailureKind;

namespace {

constexpr const char* k_scope_hint =
    "a classic token needs the \"repo\" scope (\"public_repo\" for public repositories); a fine-grained token "
    "needs Issues and Pull requests read and write";

std::string host_name(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return url.substr(start, url.find_first_of("/:", start) - start);
}

/// What reading checks and logs (`fanout watch`) needs beyond k_scope_hint, for `what`.
std::string extra_scope(const std::string& what) {
  if (what.find("/actions/") != std::string::npos) return "; reading a job log needs Actions read";
  if (what.find("/check-runs") != std::string::npos || what.find("/statuses") != std::string::npos)
    return "; reading checks needs Checks read and Commit statuses read";
  return "";
}

/// GitHub's own words for an error: its `message`, plus `errors[].message` when present.
std::string github_message(const json& body) {
  if (!body.is_object()) return "";
  std::string message = body.value("message", "");
  if (auto errors = body.find("errors"); errors != body.end() && errors->is_array())
    for (const auto& e : *errors)
      if (e.is_object() && e.contains("message") && e["message"].is_string())
        message += (message.empty() ? "" : ": ") + e["message"].get<std::string>();
  return message;
}

} // namespace

std::string next_link(const std::string& header) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t open = header.find('<', pos);
    size_t close = header.find('>', open);
    if (open == std::string::npos || close == std::string::npos) return "";
    size_t end = header.find(',', close);
    std::string params = header.substr(close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos) return header.substr(open + 1, close - open - 1);
    if (end == std::string::npos) return "";
    pos = end + 1;
  }
  return "";
}

Api::Api(sdk::Host& host) : m_host(host) {
  const json& config = host.config();
  m_api_url = support::string_or(config, "api_url", "https://api.github.com");
  while (!m_api_url.empty() && m_api_url.back() == '/') m_api_url.pop_back();
  m_repo = support::string_at(config, "repo");
  m_token_env = support::string_at(config, "token_env");
  const size_t slash = m_repo.find('/');
  if (m_repo.empty())
    m_config_error = fail(FailureKind::invalid_input, "github: config key \"repo\" is not set (expected \"owner/name\")");
  else if (slash == std::string::npos || slash == 0 || slash + 1 == m_repo.size() || m_repo.find('/', slash + 1) != std::string::npos)
    m_config_error = fail(FailureKind::invalid_input, "github: config key \"repo\" is \"" + m_repo + "\", expected \"owner/name\"");
  else
    m_owner = m_repo.substr(0, slash);
}

sdk::Result<std::string> Api::token(const sdk::CancelToken& cancel) {
  std::lock_guard lock(m_mutex);
  if (!m_token.empty()) return m_token;
  if (!m_token_env.empty()) {
    auto value = m_host.secret(m_token_env);
    if (!value)
      return fail(FailureKind::auth, "github needs a token: environment variable \"" + m_token_env +
                                         "\" (named by token_env) is not set; " + k_scope_hint);
    m_token_source = m_token_env;
    return m_token = *value;
  }
  for (const char* name : {"GITHUB_TOKEN", "GH_TOKEN"}) {
    if (auto value = m_host.secret(name)) {
      m_token_source = name;
      return m_token = *value;
    }
  }
  // The user's gh login. Its output is the token: never log it.
  sdk::ProcessSpec spec;
  spec.argv = {"gh", "auth", "token"};
  if (const std::string name = host_name(m_api_url); name != "api.github.com") spec.argv.insert(spec.argv.end(), {"--hostname", name});
  spec.timeout = std::chrono::seconds(15);
  spec.workdir = m_host.repo_root();
  auto ran = m_host.processes().run(spec, [](sdk::Stream, const std::string&) {}, cancel);
  if (ran && !ran->signaled && ran->exit_code == 0) {
    std::string value = ran->out;
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
    if (!value.empty()) {
      m_host.add_secret(value);
      m_token_source = "gh auth token";
      return m_token = value;
    }
  }
  return fail(FailureKind::auth, std::string("github needs a token: set GITHUB_TOKEN or GH_TOKEN, or log in with "
                                             "\"gh auth login\"; ") + k_scope_hint);
}

sdk::Result<Api::Reply> Api::send(const std::string& method, const std::string& path, const json* body,
                                  const sdk::CancelToken& cancel, const std::string& not_found,
                                  const CallOptions& options) {
  if (m_config_error) return *m_config_error;
  auto secret = token(cancel);
  if (!secret) return std::move(secret).failure();

  const bool absolute = path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0;
  sdk::HttpRequest request;
  request.method = method;
  request.url = absolute ? path : m_api_url + "/repos/" + m_repo + path;
  request.max_retries = options.max_retries;
  request.headers = {{"Authorization", "Bearer " + *secret},
                     {"Accept", "application/vnd.github+json"},
                     {"X-GitHub-Api-Version", "2022-11-28"},
                     {"User-Agent", "fanout-github"}};
  if (body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump();
  }
  // What messages call the request: the path without the API base.
  std::string what = method + " " + (absolute ? path.substr(std::min(path.size(), m_api_url.size())) : "/repos/" + m_repo + path);
  if (what.size() > 160) what = what.substr(0, 160) + "...";

  auto sent = support::send_to("github", m_host.http(), request, cancel);
  if (!sent) return std::move(sent).failure();
  const sdk::HttpResponse& response = *sent;
  Reply reply;
  reply.status = response.status;
  reply.link = response.header("Link");
  const bool ok = response.status >= 200 && response.status < 300;
  if (ok && options.text) {
    reply.body = response.body;
    return reply;
  }
  reply.body = response.body.empty() ? json(nullptr) : json::parse(response.body, nullptr, false);
  if (ok && reply.body.is_discarded())
    return fail(FailureKind::error, "github returned a response that is not JSON for " + what + " (HTTP " +
                                        std::to_string(response.status) + ")");
  if (ok) return reply;

  const std::string said = github_message(reply.body.is_discarded() ? json() : reply.body);
  const std::string quoted = said.empty() ? "" : " \"" + said + "\"";
  const std::string status = "HTTP " + std::to_string(response.status) + quoted;
  switch (response.status) {
  case 401:
    return fail(FailureKind::auth, "github rejected the token from " + m_token_source + " (" + status +
                                       "): check that it is valid and not expired; " + k_scope_hint);
  case 403:
    return fail(FailureKind::auth, "github denied " + what + " (" + status + "): the token from " + m_token_source +
                                       " likely lacks a scope; " + k_scope_hint + extra_scope(what));
  case 404:
    return fail(FailureKind::not_found, !not_found.empty() ? not_found
                                                           : "github found nothing at " + what + " (HTTP 404): check that \"" +
                                                                 m_repo + "\" exists and the token from " + m_token_source +
                                                                 " can see it");
  case 410: return fail(FailureKind::not_found, "github says " + what + " is gone (" + status + ")");
  case 422: return fail(FailureKind::invalid_input, "github refused " + what + " (" + status + ")");
  default: break;
  }
  if (response.status >= 500 && request.max_retries == 0)
    return fail(FailureKind::error, "github failed with " + status + " for " + what +
                                        " (not retried: it may have taken effect; check before trying again)");
  if (response.status >= 500)
    return fail(FailureKind::error, "github failed with " + status + " for " + what + " after " +
                                        std::to_string(request.max_retries + 1) + " attempts; try again later");
  return fail(FailureKind::error, "github answered " + status + " for " + what);
}

sdk::Result<json> Api::call(const std::string& method, const std::string& path, const json* body,
                            const sdk::CancelToken& cancel, const std::string& not_found, const CallOptions& options) {
  auto reply = send(method, path, body, cancel, not_found, options);
  if (!reply) return std::move(reply).failure();
  return std::move(reply->body);
}

} // namespace fanout::github
