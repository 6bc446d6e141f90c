#include "host/app/workspace_plugins.hpp"

#include "host/plugins/discovery.hpp"
#include "host/util/error.hpp"

namespace fanout::app {

WorkspacePlugins::WorkspacePlugins(const config::Config& config) : m_config(config) {}

WorkspacePlugins::~WorkspacePlugins() = default;

PluginSet& WorkspacePlugins::plugins() {
  if (!m_plugins) {
    m_registry.emplace();
    plugins::SearchInputs inputs;
    inputs.config_dirs = m_config.plugins.dirs;
    inputs.repo_root = m_config.repo_root;
    inputs.executable = plugins::current_executable();
    m_registry->discover(plugins::search_dirs(inputs));
    plugins::HostServices services;
    services.http = &m_http;
    services.processes = &m_processes;
    m_plugins = std::make_unique<PluginSet>(m_config, *m_registry, services);
  }
  return *m_plugins;
}

sdk::DatabaseBrancher* WorkspacePlugins::brancher() {
  const auto& table = m_config.database.brancher;
  if (table.plugin.empty()) return nullptr;
  if (!m_brancher) {
    auto made = plugins().make<sdk::DatabaseBrancher>(table);
    if (!made.ok()) throw UserError("[database] brancher: " + made.failure().message);
    m_brancher = *made;
  }
  return m_brancher;
}

sdk::Runner* WorkspacePlugins::runner() {
  if (!m_config.runner.remote_runner()) return nullptr;
  if (!m_runner) {
    auto made = plugins().make<sdk::Runner>(m_config.runner.table);
    if (!made.ok()) throw UserError("[runner]: " + made.failure().message);
    m_runner = *made;
  }
  return m_runner;
}

sdk::IssueTracker* WorkspacePlugins::tracker(std::string& why) {
  if (!m_tracker_tried) {
    m_tracker_tried = true;
    try {
      const auto& table = m_config.tracker;
      if (table.plugin.empty()) throw UserError("no [tracker] configured");
      auto made = plugins().make<sdk::IssueTracker>(table);
      if (!made.ok()) throw UserError("[tracker] " + table.plugin + ": " + made.failure().message);
      m_tracker = *made;
    } catch (const std::exception& e) {
      m_tracker_error = e.what();
    }
  }
  why = m_tracker_error;
  return m_tracker;
}

} // namespace fanout::app
