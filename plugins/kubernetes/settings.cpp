#include "settings.hpp"

#include "support/json_access.hpp"

#include <stdexcept>

namespace fanout::kubernetes {

namespace {

using support::string_at;
using support::string_map_at;

std::chrono::milliseconds duration_at(const nlohmann::json& config, std::string_view key) {
  return std::chrono::milliseconds(support::int_at(config, key));
}

Toleration parse_toleration(const std::string& text) {
  const auto bad = [&] {
    return std::invalid_argument("[runner] tolerations: expected \"key=value:Effect\", \"key:Effect\" or \"*\", got \"" +
                                 text + "\"");
  };
  if (text == "*") return Toleration{"", "Exists", "", ""};
  const auto colon = text.rfind(':');
  std::string head = colon == std::string::npos ? text : text.substr(0, colon);
  std::string effect = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute") throw bad();
  const auto eq = head.find('=');
  Toleration t;
  t.key = eq == std::string::npos ? head : head.substr(0, eq);
  t.op = eq == std::string::npos ? "Exists" : "Equal";
  t.value = eq == std::string::npos ? "" : head.substr(eq + 1);
  t.effect = effect;
  if (t.key.empty()) throw bad();
  return t;
}

} // namespace

std::optional<SecretRef> parse_secret_ref(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() || text.find('/', slash + 1) != std::string::npos)
    return std::nullopt;
  return SecretRef{text.substr(0, slash), text.substr(slash + 1)};
}

Settings read_settings(const nlohmann::json& config) {
  Settings s;
  s.kubeconfig = string_at(config, "kubeconfig");
  s.context = string_at(config, "context");
  s.in_cluster = config.is_object() && config.value("in_cluster", false);
  s.service_account_dir = support::string_or(config, "service_account_dir", "/var/run/secrets/kubernetes.io/serviceaccount");
  s.in_cluster_server = support::string_or(config, "in_cluster_server", "https://kubernetes.default.svc");
  s.namespace_name = string_at(config, "namespace");
  s.image = string_at(config, "image");
  if (s.image.empty())
    throw std::invalid_argument("[runner] image: the kubernetes runner needs an image with sh, git and the agent CLI "
                                "(docs/runner.md#the-image)");
  s.service_account = string_at(config, "service_account");
  s.requests = string_map_at(config, "requests");
  s.limits = string_map_at(config, "limits");
  s.node_selector = string_map_at(config, "node_selector");
  for (const auto& text : support::strings_at(config, "tolerations")) s.tolerations.push_back(parse_toleration(text));
  for (const auto& [name, ref] : string_map_at(config, "secrets")) {
    auto parsed = parse_secret_ref(ref);
    if (!parsed)
      throw std::invalid_argument("[runner] secrets." + name + ": expected \"secret/key\" (a Kubernetes Secret and one of its keys), got \"" + ref + "\"");
    s.secrets[name] = *parsed;
  }
  s.git_token_env = support::string_or(config, "git_token_env", "FANOUT_GIT_TOKEN");
  if (auto ref = string_at(config, "git_token_secret"); !ref.empty()) {
    s.git_token = parse_secret_ref(ref);
    if (!s.git_token)
      throw std::invalid_argument("[runner] git_token_secret: expected \"secret/key\", got \"" + ref + "\"");
  }
  s.git_user_name = support::string_or(config, "git_user_name", "fanout");
  s.git_user_email = support::string_or(config, "git_user_email", "fanout@localhost");
  s.ttl_after_finished = duration_at(config, "ttl_after_finished");
  s.pending_timeout = duration_at(config, "pending_timeout");
  s.poll_interval = duration_at(config, "poll_interval");
  s.api_timeout = duration_at(config, "api_timeout");
  if (s.poll_interval.count() <= 0) s.poll_interval = std::chrono::milliseconds(1000);
  if (s.api_timeout.count() <= 0) s.api_timeout = std::chrono::milliseconds(30000);
  return s;
}

} // namespace fanout::kubernetes
