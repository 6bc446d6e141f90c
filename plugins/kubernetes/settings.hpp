#pragma once
// The kubernetes runner's settings: its `[runner]` table read once, checked, with the
// defaults the plugin declares.

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fanout::kubernetes {

/// A Kubernetes toleration, parsed from kubectl's taint syntax "key[=value]:Effect" (or
/// "key:Effect" with operator Exists, or "*" for every taint).
struct Toleration {
  std::string key;
  std::string op; ///< "Equal" or "Exists"
  std::string value;
  std::string effect; ///< "NoSchedule", "PreferNoSchedule", "NoExecute" or "" (all)
};

/// "secret/key": where a Kubernetes Secret keeps one value.
struct SecretRef {
  std::string secret;
  std::string key;
};

struct Settings {
  std::string kubeconfig; ///< "" means ~/.kube/config
  std::string context;    ///< "" means the kubeconfig's current-context
  bool in_cluster = false;
  std::string service_account_dir; ///< token, ca.crt, namespace of the in-cluster account
  std::string in_cluster_server;
  std::string namespace_name; ///< "" means the context's namespace, else "default"
  std::string image;
  std::string service_account;
  std::map<std::string, std::string> requests;
  std::map<std::string, std::string> limits;
  std::map<std::string, std::string> node_selector;
  std::vector<Toleration> tolerations;
  std::map<std::string, SecretRef> secrets; ///< environment variable -> Secret key
  std::string git_token_env;                ///< variable the pod's git reads its token from
  std::optional<SecretRef> git_token;       ///< the Secret key holding the git token
  std::string git_user_name;
  std::string git_user_email;
  std::chrono::milliseconds ttl_after_finished{0};
  std::chrono::milliseconds pending_timeout{0};
  std::chrono::milliseconds poll_interval{0};
  std::chrono::milliseconds api_timeout{0};
};

/// Reads Host::config(). Throws std::invalid_argument with a message naming the key
/// ("[runner] secrets.ANTHROPIC_API_KEY: expected \"secret/key\", got \"x\"").
Settings read_settings(const nlohmann::json& config);

/// Parses "secret/key"; nullopt when it is not that shape.
std::optional<SecretRef> parse_secret_ref(const std::string& text);

} // namespace fanout::kubernetes
