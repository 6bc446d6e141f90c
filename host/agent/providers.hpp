#pragma once
// AgentProviders: the agent provider plugins of one fanout process, created on first use
// from the plugin registry with their `[agent.<name>]` config, shared by every session.

#include "host/config/config.hpp"
#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/config_key.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

namespace fanout::agent {

/// The validated config JSON for provider `name` given the keys it declares; throws
/// UserError for config errors (they are fatal for the command).
using ProviderConfig = std::function<nlohmann::json(const std::string& name, std::span<const sdk::ConfigKey> keys)>;

/// ProviderConfig reading `[agent.<name>]` from `config` (defaults when there is no table).
/// `config` must outlive the returned function.
ProviderConfig provider_config_from(const config::Config& config);

/// Thread-safe. Outlives every session it handed a provider to.
class AgentProviders {
public:
  /// Each provider's data dir (Host::data_dir: temp files, the totals of its sessions) is
  /// `<data_root>/<name>`; an empty `data_root` means <repo_root>/.fanout/data.
  AgentProviders(const plugins::Registry& registry, plugins::HostServices services, std::filesystem::path repo_root,
                 ProviderConfig config, std::filesystem::path data_root = {});
  ~AgentProviders();

  /// The provider plugin `name`, created on first call. Failures (not_found, unsupported,
  /// error) are the registry's messages: unknown plugin "cladue" (did you mean "claude-code"?)
  sdk::Result<sdk::AgentProvider*> get(std::string_view name);

  /// For plugins::HostServices::agent, so reviewers can run agents.
  std::function<sdk::Result<sdk::AgentProvider*>(std::string_view)> lookup();

private:
  struct Entry {
    std::unique_ptr<plugins::PluginHost> host;           // destroyed last
    plugins::Instance<sdk::AgentProvider> provider;       // destroyed first
  };
  const plugins::Registry& m_registry;
  plugins::HostServices m_services;
  std::filesystem::path m_repo_root;
  ProviderConfig m_config;
  std::filesystem::path m_data_root;
  std::mutex m_mutex;
  std::map<std::string, Entry, std::less<>> m_entries;
};

} // namespace fanout::agent
