// The kubernetes runner: each agent session as a batch/v1 Job on a cluster, through the
// Kubernetes API (no kubectl). See docs/runner.md.

#include "kube_runner.hpp"

#include <fanout/sdk/plugin.hpp>

namespace {

using fanout::sdk::ConfigType;
using fanout::sdk::Trust;

struct KubernetesPlugin {
  static constexpr const char* name = "kubernetes";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "runs agent sessions as Kubernetes Jobs";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::runner};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "kubeconfig", .type = ConfigType::string, .default_value = "\"\"",
       .doc = "kubeconfig file (default: ~/.kube/config)", .trust = Trust::trusted_only},
      {.name = "context", .type = ConfigType::string, .default_value = "\"\"",
       .doc = "kubeconfig context (default: its current-context)", .trust = Trust::trusted_only},
      {.name = "in_cluster", .type = ConfigType::boolean, .default_value = "false",
       .doc = "use the pod's service account instead of a kubeconfig", .trust = Trust::trusted_only},
      {.name = "service_account_dir", .type = ConfigType::string,
       .default_value = "\"/var/run/secrets/kubernetes.io/serviceaccount\"",
       .doc = "where in_cluster finds token, ca.crt and namespace", .trust = Trust::trusted_only},
      {.name = "in_cluster_server", .type = ConfigType::string, .default_value = "\"https://kubernetes.default.svc\"",
       .doc = "the API server in_cluster talks to", .trust = Trust::trusted_only},
      {.name = "namespace", .type = ConfigType::string, .default_value = "\"\"",
       .doc = "namespace of the Jobs (default: the context's, else \"default\")", .trust = Trust::trusted_only},
      {.name = "image", .type = ConfigType::string, .doc = "container image with sh, git and the agent CLI",
       .trust = Trust::trusted_only},
      {.name = "service_account", .type = ConfigType::string, .default_value = "\"\"",
       .doc = "serviceAccountName of the session pods", .trust = Trust::trusted_only},
      {.name = "requests", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "container resource requests ({cpu = \"1\", memory = \"2Gi\"})"},
      {.name = "limits", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "container resource limits ({memory = \"4Gi\"})"},
      {.name = "node_selector", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "nodeSelector of the session pods"},
      {.name = "tolerations", .type = ConfigType::string_array, .default_value = "[]",
       .doc = "tolerations as \"key=value:Effect\", \"key:Effect\" or \"*\""},
      {.name = "secrets", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "secret variables of sessions -> \"secret/key\" of a Kubernetes Secret", .trust = Trust::trusted_only},
      {.name = "git_token_secret", .type = ConfigType::string, .default_value = "\"\"",
       .doc = "\"secret/key\" of the token the pod's git clones and pushes with", .trust = Trust::trusted_only},
      {.name = "git_token_env", .type = ConfigType::string, .default_value = "\"FANOUT_GIT_TOKEN\"",
       .doc = "variable the pod's git credential helper reads the token from"},
      {.name = "git_user_name", .type = ConfigType::string, .default_value = "\"fanout\"",
       .doc = "git user.name in the pod's clone"},
      {.name = "git_user_email", .type = ConfigType::string, .default_value = "\"fanout@localhost\"",
       .doc = "git user.email in the pod's clone"},
      {.name = "ttl_after_finished", .type = ConfigType::duration, .default_value = "\"1h\"",
       .doc = "ttlSecondsAfterFinished: how long a finished Job is kept"},
      {.name = "pending_timeout", .type = ConfigType::duration, .default_value = "\"10m\"",
       .doc = "longest a session's pod may stay Pending (unschedulable) before the session fails"},
      {.name = "poll_interval", .type = ConfigType::duration, .default_value = "\"2s\"",
       .doc = "pause between looks at a Job's pod while it starts"},
      {.name = "api_timeout", .type = ConfigType::duration, .default_value = "\"30s\"",
       .doc = "limit of one Kubernetes API request"},
  };

  static std::unique_ptr<fanout::sdk::Runner> make_runner(fanout::sdk::Host& host) {
    return std::make_unique<fanout::kubernetes::KubeRunner>(host, fanout::kubernetes::read_settings(host.config()));
  }
};

} // namespace

FANOUT_PLUGIN(KubernetesPlugin)
