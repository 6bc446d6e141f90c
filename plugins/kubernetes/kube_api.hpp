#pragma once
// KubeApi: requests to one Kubernetes API server through the host's HttpClient, and the
// failures a user can act on: which verb on which resource RBAC refused, an expired
// credential, an invalid object, a conflict, a rate limit, a failing server.

#include "kubeconfig.hpp"

#include <fanout/sdk/host.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

namespace fanout::kubernetes {

/// What a request does, for messages: RBAC speaks of verbs on resources in a namespace.
struct Access {
  std::string verb;     ///< "create", "get", "list", "watch", "delete"
  std::string resource; ///< "jobs", "pods", "pods/log"
};

class KubeApi {
public:
  KubeApi(sdk::Host& host, Cluster cluster, std::string namespace_name, std::chrono::milliseconds timeout);

  const std::string& namespace_name() const { return m_namespace; }
  const Cluster& cluster() const { return m_cluster; }

  /// Sends `method` to `path` (from "/apis/..." or "/api/...", with its query) and returns
  /// the JSON it answered. A 404 is FailureKind::not_found with the Status message; every
  /// other non-2xx is the failure `explain` makes. Only GET and DELETE are retried.
  sdk::Result<nlohmann::json> call(const std::string& method, const std::string& path, const Access& access,
                                   const sdk::CancelToken& cancel, const nlohmann::json& body = nullptr) const;

  /// GETs `path` and hands its body's lines to `on_line` as they come (a followed pod log).
  /// `silence` is the longest wait for the next byte.
  sdk::Result<void> stream(const std::string& path, const Access& access, const sdk::LineCallback& on_line,
                           std::chrono::milliseconds silence, const sdk::CancelToken& cancel) const;

  /// The failure for a non-2xx answer to `access`: status, the Status object's message, and
  /// what to do.
  sdk::Failure explain(int status, const std::string& body, const Access& access) const;

private:
  sdk::HttpRequest request(const std::string& method, const std::string& path) const;

  sdk::Host& m_host;
  Cluster m_cluster;
  std::string m_namespace;
  std::chrono::milliseconds m_timeout;
};

} // namespace fanout::kubernetes
