#pragma once
// KubeRunner: sdk::Runner on Kubernetes. One batch/v1 Job per session, found again by its
// labels after a restart; the pod's log followed into the session's lines; cancel, timeout
// and LineAction::stop delete the Job (background propagation).

#include "kube_api.hpp"
#include "settings.hpp"

#include <fanout/sdk/host.hpp>
#include <fanout/sdk/runner.hpp>

#include <memory>
#include <mutex>

namespace fanout::kubernetes {

class KubeRunner final : public sdk::Runner {
public:
  KubeRunner(sdk::Host& host, Settings settings);

  sdk::Result<sdk::RunnerResult> run(const sdk::RunnerSession& session, const sdk::LineCallback& on_line,
                                     const sdk::CancelToken& cancel) override;
  sdk::Result<std::vector<sdk::RunnerResource>> list(const std::string& repo, const sdk::CancelToken& cancel) override;
  sdk::Result<void> remove(const sdk::RunnerResource& resource, const sdk::CancelToken& cancel) override;

private:
  /// The API client, made on first use (reading the kubeconfig, running an exec plugin).
  sdk::Result<std::shared_ptr<const KubeApi>> api(const sdk::CancelToken& cancel);

  sdk::Host& m_host;
  Settings m_settings;
  std::mutex m_mutex;
  std::shared_ptr<const KubeApi> m_api;
};

} // namespace fanout::kubernetes
