#include "kube_api.hpp"

#include "support/json_access.hpp"

namespace fanout::kubernetes {

using sdk::FailureKind;

KubeApi::KubeApi(sdk::Host& host, Cluster cluster, std::string namespace_name, std::chrono::milliseconds timeout)
    : m_host(host), m_cluster(std::move(cluster)), m_namespace(std::move(namespace_name)), m_timeout(timeout) {}

sdk::HttpRequest KubeApi::request(const std::string& method, const std::string& path) const {
  sdk::HttpRequest request;
  request.method = method;
  request.url = m_cluster.server + path;
  request.tls = m_cluster.tls;
  request.timeout = m_timeout;
  request.headers.emplace_back("Accept", "application/json");
  if (!m_cluster.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + m_cluster.token);
  // A create is not idempotent to the client (a retry after a lost answer meets its own
  // Job as 409): the runner handles that instead of the client retrying.
  request.max_retries = method == "GET" || method == "DELETE" ? 3 : 0;
  return request;
}

sdk::Failure KubeApi::explain(int status, const std::string& body, const Access& access) const {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  std::string message = support::string_at(parsed, "message");
  if (message.empty()) message = body.size() > 300 ? body.substr(0, 300) : body;
  const std::string what = "\"" + access.verb + "\" on \"" + access.resource + "\" in namespace \"" + m_namespace + "\"";
  const std::string code = " (HTTP " + std::to_string(status) + ")";
  switch (status) {
  case 401:
    return {FailureKind::auth, "the Kubernetes API at " + m_cluster.server + " refused the credentials of " +
                                   m_cluster.describe + code + ": " + message +
                                   "; renew the token or client certificate (or log in again with the cluster's CLI)"};
  case 403:
    return {FailureKind::auth, "Kubernetes RBAC forbids " + what + code + ": " + message +
                                   "; give fanout's user or service account a Role with that verb (docs/runner.md#rbac)"};
  case 404:
    return {FailureKind::not_found, "not found: " + message};
  case 409:
    return {FailureKind::conflict, "the Kubernetes API refused " + what + " with a conflict" + code + ": " + message};
  case 422:
    return {FailureKind::invalid_input, "the Kubernetes API rejected " + what + " as invalid" + code + ": " + message +
                                            "; check [runner] image, requests, limits, node_selector and tolerations"};
  case 429:
    return {FailureKind::rate_limited, "the Kubernetes API kept rate limiting " + what + code + ": " + message +
                                           "; try again later or lower [run] parallel"};
  default:
    break;
  }
  if (status >= 500)
    return {FailureKind::error, "the Kubernetes API at " + m_cluster.server + " failed " + what + code + ": " + message +
                                    "; check the cluster's control plane, then resume"};
  return {FailureKind::error, "the Kubernetes API answered " + what + code + ": " + message};
}

sdk::Result<nlohmann::json> KubeApi::call(const std::string& method, const std::string& path, const Access& access,
                                          const sdk::CancelToken& cancel, const nlohmann::json& body) const {
  sdk::HttpRequest req = request(method, path);
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers.emplace_back("Content-Type", "application/json");
  }
  auto sent = m_host.http().send(req, cancel);
  if (!sent.ok()) {
    sdk::Failure failure = std::move(sent).failure();
    if (failure.kind == FailureKind::rate_limited)
      failure.message = "the Kubernetes API kept rate limiting \"" + access.verb + "\" on \"" + access.resource +
                        "\": " + failure.message + "; try again later or lower [run] parallel";
    else
      failure.message = "kubernetes: " + failure.message;
    return failure;
  }
  if (sent->status < 200 || sent->status >= 300) return explain(sent->status, sent->body, access);
  auto parsed = nlohmann::json::parse(sent->body, nullptr, false);
  if (parsed.is_discarded())
    return sdk::fail(FailureKind::error, "the Kubernetes API answered " + method + " " + path + " with something that is not JSON");
  return parsed;
}

sdk::Result<void> KubeApi::stream(const std::string& path, const Access& access, const sdk::LineCallback& on_line,
                                  std::chrono::milliseconds silence, const sdk::CancelToken& cancel) const {
  sdk::HttpRequest req = request("GET", path);
  req.timeout = silence;
  auto sent = m_host.http().stream(req, on_line, cancel);
  if (!sent.ok()) {
    sdk::Failure failure = std::move(sent).failure();
    if (failure.kind != FailureKind::cancelled) failure.message = "kubernetes: " + failure.message;
    return failure;
  }
  if (sent->status < 200 || sent->status >= 300) return explain(sent->status, sent->body, access);
  return {};
}

} // namespace fanout::kubernetes
