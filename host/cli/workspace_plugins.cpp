#include "host/cli/workspace_plugins.hpp"

#include "host/plugins/table_config.hpp"
#include "host/plugins/discovery.hpp"
#include "host/util/error.hpp"

#include <span>

namespace fanout::cli {

WorkspacePlugins::WorkspacePlugins(const config::Config& config) : m_config(config) {}

// Instances go before the hosts they use, and both before the registry (the libraries).
WorkspacePlugins::~WorkspacePlugins() {
  m_brancher.reset();
  m_tracker.reset();
  m_hosts.clear();
}

plugins::Registry& WorkspacePlugins::registry() {
  if (!m_registry) {
    m_registry.emplace();
    plugins::SearchInputs inputs;
    inputs.config_dirs = m_config.plugins.dirs;
    inputs.repo_root = m_config.repo_root;
    inputs.executable = plugins::current_executable();
    m_registry->discover(plugins::search_dirs(inputs));
  }
  return *m_registry;
}

plugins::PluginHost& WorkspacePlugins::host_for(const config::PluginTable& table) {
  auto json = plugins::table_config(m_config, table, registry());
  plugins::HostServices services;
  services.http = &m_http;
  services.processes = &m_processes;
  m_hosts.push_back(std::make_unique<plugins::PluginHost>(services, table.plugin, std::move(json), m_config.repo_root,
                                                          m_config.repo_root / ".fanout" / "plugins-data" / table.plugin));
  return *m_hosts.back();
}

sdk::DatabaseBrancher* WorkspacePlugins::brancher() {
  const auto& table = m_config.database.brancher;
  if (table.plugin.empty()) return nullptr;
  if (!m_brancher) {
    auto& host = host_for(table);
    auto made = registry().create<sdk::DatabaseBrancher>(table.plugin, host);
    if (!made.ok()) throw UserError("[database] brancher: " + made.failure().message);
    m_brancher = std::move(made).value();
  }
  return m_brancher.get();
}

sdk::IssueTracker* WorkspacePlugins::tracker(std::string& why) {
  if (!m_tracker_tried) {
    m_tracker_tried = true;
    try {
      const auto& table = m_config.tracker;
      if (table.plugin.empty()) throw UserError("no [tracker] configured");
      auto& host = host_for(table);
      auto made = registry().create<sdk::IssueTracker>(table.plugin, host);
      if (!made.ok()) throw UserError("[tracker] " + table.plugin + ": " + made.failure().message);
      m_tracker = std::move(made).value();
    } catch (const std::exception& e) {
      m_tracker_error = e.what();
    }
  }
  why = m_tracker_error;
  return m_tracker.get();
}

} // namespace fanout::cli
