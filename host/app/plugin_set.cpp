#include "host/app/plugin_set.hpp"

#include "host/config/plugin_table.hpp"
#include "host/plugins/table_config.hpp"

#include <exception>

namespace fanout::app {

std::filesystem::path plugin_data_root(const std::filesystem::path& repo_root) {
  return repo_root / ".fanout" / "data";
}

PluginSet::PluginSet(const config::Config& config, const plugins::Registry& registry, plugins::HostServices services,
                     std::filesystem::path data_root)
    : m_config(config), m_registry(registry), m_services(services), m_agent_services(std::move(services)),
      m_data_root(data_root.empty() ? plugin_data_root(config.repo_root) : std::move(data_root)) {
  m_services.agent = agent_lookup();
  m_agent_services.agent = nullptr; // an agent does not run other agents
}

PluginSet::~PluginSet() {
  for (auto made = m_made.rbegin(); made != m_made.rend(); ++made) {
    made->instance.reset();
    made->host.reset();
  }
}

nlohmann::json PluginSet::config_of(const config::PluginTable& table) const {
  return plugins::table_config(m_config, table, m_registry);
}

std::unique_ptr<plugins::PluginHost> PluginSet::host_for(const config::PluginTable& table, nlohmann::json config,
                                                         plugins::HostServices services) const {
  return std::make_unique<plugins::PluginHost>(std::move(services), table.plugin, std::move(config),
                                               m_config.repo_root, m_data_root / table.plugin);
}

void* PluginSet::keep(Made made) {
  std::lock_guard lock(m_mutex);
  m_made.push_back(std::move(made));
  return m_made.back().instance.get();
}

sdk::Result<sdk::AgentProvider*> PluginSet::agent(std::string_view name) {
  std::lock_guard lock(m_mutex);
  if (auto found = m_agents.find(name); found != m_agents.end()) return found->second;
  const std::string key(name);
  const auto table_of = m_config.agent.providers.find(key);
  const config::PluginTable table = table_of != m_config.agent.providers.end()
                                        ? table_of->second
                                        : config::empty_table("[agent." + key + "]", key);
  // An unknown plugin gets no config: create() below fails with the registry's message,
  // which names no table (the name may come from a command-line flag).
  nlohmann::json config = nlohmann::json::object();
  if (const auto* record = m_registry.find(table.plugin); record && record->library && record->library->descriptor()) {
    try {
      config = config_of(table);
    } catch (const std::exception& e) {
      return sdk::fail(sdk::FailureKind::not_found, e.what());
    }
  }
  auto host = host_for(table, std::move(config), m_agent_services);
  auto made = m_registry.create<sdk::AgentProvider>(table.plugin, *host);
  if (!made.ok()) return std::move(made).failure();
  auto* provider = made->get();
  m_made.push_back({std::move(host), std::shared_ptr<sdk::AgentProvider>(std::move(*made))});
  m_agents.emplace(key, provider);
  return provider;
}

std::function<sdk::Result<sdk::AgentProvider*>(std::string_view)> PluginSet::agent_lookup() {
  return [this](std::string_view name) { return agent(name); };
}

} // namespace fanout::app
