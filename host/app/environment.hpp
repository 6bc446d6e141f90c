#pragma once
// Environment: the real outside world of `fanout run` and `fanout heal`, built from the
// loaded config and the plugin registry: tracker, code host, brancher and agent plugins
// (made by its PluginSet), fresh reviewer instances per validation round, the workspace
// manager, the process runner and the HTTP client. Owns all of them; the pipeline's
// Services point into it.

#include "host/config/config.hpp"
#include "host/notify/dispatcher.hpp"
#include "host/pipeline/fleet.hpp"
#include "host/pipeline/services.hpp"

#include <fanout/sdk/database_brancher.hpp>

#include <memory>

namespace fanout::plugins {
class Registry;
}
namespace fanout::workspace {
class WorkspaceManager;
}
namespace fanout::writeback {
class WriteBack;
}
namespace fanout::runner {
class RemoteSessions;
}
namespace fanout::services {
class CurlHttpClient;
class LocalProcessRunner;
} // namespace fanout::services

namespace fanout::app {

class PluginSet;

class Environment {
public:
  /// Loads the tracker, code host, agent, runner and notifier plugins. Throws UserError when one is
  /// missing, refuses its config or cannot be made, or when a remote [runner] cannot reach the
  /// [database] brancher's branches (host/app/runner_check.hpp): `[tracker]: unknown plugin "jria" (did you mean "jira"?)`.
  Environment(const config::Config& config, const plugins::Registry& registry);
  ~Environment();

  const pipeline::Services& services() const { return m_services; }
  const pipeline::Settings& settings() const { return m_settings; }
  /// [run] limits, with --parallel when > 0.
  pipeline::FleetOptions fleet_options(int parallel_override) const;
  sdk::IssueTracker& tracker() { return *m_tracker; }
  /// The workspace manager the runs' workspaces come from (`fanout watch` cleans with it).
  workspace::WorkspaceManager& workspaces() { return *m_manager; }
  /// The [write_back] writer over the tracker, or null when [write_back] writes nothing.
  writeback::WriteBack* write_back() { return m_write_back.get(); }
  /// The [[notify]] notifiers with their events and retries (empty when none is configured).
  const std::vector<notify::Target>& notify_targets() const { return m_notify_targets; }

private:
  class WorkspaceAdapter;

  const config::Config& m_config;
  std::unique_ptr<services::CurlHttpClient> m_http;
  std::unique_ptr<services::LocalProcessRunner> m_processes;
  /// What reviewers run commands with: the allowlisted env, never the host's whole one.
  std::unique_ptr<sdk::ProcessRunner> m_command_processes;
  std::unique_ptr<PluginSet> m_plugins; ///< owns the instances below
  sdk::IssueTracker* m_tracker = nullptr;
  sdk::CodeHost* m_code_host = nullptr;
  sdk::DatabaseBrancher* m_brancher = nullptr;
  /// A remote [runner]'s sessions (null for "local": sessions run on this machine).
  std::unique_ptr<runner::RemoteSessions> m_remote;
  std::vector<notify::Target> m_notify_targets; ///< notifiers owned by m_plugins
  std::unique_ptr<workspace::WorkspaceManager> m_manager;
  std::unique_ptr<WorkspaceAdapter> m_workspaces;
  std::unique_ptr<writeback::WriteBack> m_write_back;
  pipeline::Services m_services;
  pipeline::Settings m_settings;
};

} // namespace fanout::app
