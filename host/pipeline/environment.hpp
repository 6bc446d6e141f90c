#pragma once
// Environment: the real outside world of `fanout run`, built from the loaded config and the
// plugin registry: tracker, code host and agent plugins configured from their tables, fresh
// reviewer instances per validation round, the workspace manager, the process runner and
// the HTTP client. Owns all of them; Services points into it.

#include "host/config/config.hpp"
#include "host/notify/dispatcher.hpp"
#include "host/pipeline/fleet.hpp"
#include "host/pipeline/services.hpp"
#include "host/plugins/instance.hpp"
#include "host/plugins/plugin_host.hpp"

#include <list>
#include <map>
#include <memory>
#include <mutex>

namespace fanout::plugins {
class Registry;
}
namespace fanout::workspace {
class WorkspaceManager;
}
namespace fanout::services {
class CurlHttpClient;
class LocalProcessRunner;
} // namespace fanout::services

namespace fanout::pipeline {

class Environment {
public:
  /// Loads the tracker, code host, agent and notifier plugins. Throws UserError when one is missing,
  /// refuses its config or cannot be made: `[tracker]: unknown plugin "jria" (did you mean "jira"?)`.
  Environment(const config::Config& config, const plugins::Registry& registry);
  ~Environment();

  const Services& services() const { return m_services; }
  const Settings& settings() const { return m_settings; }
  /// [run] limits, with --parallel when > 0.
  FleetOptions fleet_options(int parallel_override) const;
  sdk::IssueTracker& tracker() { return *m_tracker; }
  /// The [[notify]] notifiers with their events and retries (empty when none is configured).
  const std::vector<notify::Target>& notify_targets() const { return m_notify_targets; }

private:
  class WorkspaceAdapter;
  template <typename T> plugins::Instance<T> make(const config::PluginTable& table, plugins::HostServices services);
  sdk::Result<sdk::AgentProvider*> agent(std::string_view name);

  const config::Config& m_config;
  const plugins::Registry& m_registry;
  std::unique_ptr<services::CurlHttpClient> m_http;
  std::unique_ptr<services::LocalProcessRunner> m_processes;
  /// What reviewers run commands with: the allowlisted env, never the host's whole one.
  std::unique_ptr<sdk::ProcessRunner> m_command_processes;
  plugins::HostServices m_host_services;
  std::mutex m_mutex; ///< guards m_hosts and m_agents (agents are made on first use)
  std::list<std::unique_ptr<plugins::PluginHost>> m_hosts;
  std::map<std::string, plugins::Instance<sdk::AgentProvider>, std::less<>> m_agents;
  plugins::Instance<sdk::IssueTracker> m_tracker;
  plugins::Instance<sdk::CodeHost> m_code_host;
  plugins::Instance<sdk::DatabaseBrancher> m_brancher;
  std::vector<plugins::Instance<sdk::Notifier>> m_notifiers;
  std::vector<notify::Target> m_notify_targets;
  std::unique_ptr<workspace::WorkspaceManager> m_manager;
  std::unique_ptr<WorkspaceAdapter> m_workspaces;
  Services m_services;
  Settings m_settings;
};

} // namespace fanout::pipeline
