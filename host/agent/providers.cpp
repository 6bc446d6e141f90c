#include "host/agent/providers.hpp"

#include "host/config/plugin_table.hpp"

namespace fanout::agent {

ProviderConfig provider_config_from(const config::Config& config) {
  return [&config](const std::string& name, std::span<const sdk::ConfigKey> keys) {
    auto it = config.agent.providers.find(name);
    const auto table = it != config.agent.providers.end() ? it->second
                                                          : config::empty_table("[agent." + name + "]", name);
    return config::plugin_config(config, table, keys);
  };
}

AgentProviders::AgentProviders(const plugins::Registry& registry, plugins::HostServices services,
                               std::filesystem::path repo_root, ProviderConfig config, std::filesystem::path data_root)
    : m_registry(registry), m_services(std::move(services)), m_repo_root(std::move(repo_root)),
      m_config(std::move(config)),
      m_data_root(data_root.empty() ? m_repo_root / ".fanout" / "data" : std::move(data_root)) {}

AgentProviders::~AgentProviders() = default;

sdk::Result<sdk::AgentProvider*> AgentProviders::get(std::string_view name) {
  std::lock_guard lock(m_mutex);
  if (auto it = m_entries.find(name); it != m_entries.end()) return it->second.provider.get();
  std::string key(name);
  nlohmann::json config = nlohmann::json::object();
  // An unknown plugin gets no config: create() below fails with the registry's message.
  if (const auto* record = m_registry.find(name); record && record->library && record->library->descriptor()) {
    const auto* d = record->library->descriptor();
    std::span<const sdk::ConfigKey> keys;
    if (d->config_keys) keys = {d->config_keys, d->config_key_count};
    if (m_config) config = m_config(key, keys);
  }
  auto host = std::make_unique<plugins::PluginHost>(m_services, key, std::move(config), m_repo_root,
                                                    m_data_root / key);
  auto made = m_registry.create<sdk::AgentProvider>(name, *host);
  if (!made) return std::move(made).failure();
  auto& entry = m_entries[key];
  entry.host = std::move(host);
  entry.provider = std::move(*made);
  return entry.provider.get();
}

std::function<sdk::Result<sdk::AgentProvider*>(std::string_view)> AgentProviders::lookup() {
  return [this](std::string_view name) { return get(name); };
}

} // namespace fanout::agent
