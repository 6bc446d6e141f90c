#pragma once
// The plugins the workspace commands use (the [database] brancher, the [tracker] for issue
// titles, the [runner] whose leftovers doctor and clean look for), with the host services
// they need. Owned by the command for its duration.

#include "host/app/plugin_set.hpp"
#include "host/config/config.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"

#include <fanout/sdk/database_brancher.hpp>
#include <fanout/sdk/issue_tracker.hpp>
#include <fanout/sdk/runner.hpp>

#include <memory>
#include <optional>

namespace fanout::app {

/// Discovers plugins lazily and makes the brancher and tracker configured in `config`.
class WorkspacePlugins {
public:
  explicit WorkspacePlugins(const config::Config& config);
  ~WorkspacePlugins();

  services::LocalProcessRunner& processes() { return m_processes; }

  /// The [database] brancher, or nullptr when none is configured. Throws UserError when it
  /// is configured but cannot be made (unknown plugin, bad config).
  sdk::DatabaseBrancher* brancher();

  /// The [runner] plugin, or nullptr when sessions run on this machine (`kind = "local"`).
  /// Throws UserError when it cannot be made.
  sdk::Runner* runner();

  /// The [tracker], or nullptr (with `why` set) when it cannot be made: titles are optional.
  sdk::IssueTracker* tracker(std::string& why);

  /// Every plugin on the config's search path, discovered on first call.
  const plugins::Registry& registry() { return plugins().registry(); }

private:
  PluginSet& plugins();

  const config::Config& m_config;
  services::LocalProcessRunner m_processes;
  services::CurlHttpClient m_http;
  std::optional<plugins::Registry> m_registry;
  std::unique_ptr<PluginSet> m_plugins; ///< destroyed before the registry (the libraries)
  sdk::DatabaseBrancher* m_brancher = nullptr;
  sdk::Runner* m_runner = nullptr;
  sdk::IssueTracker* m_tracker = nullptr;
  bool m_tracker_tried = false;
  std::string m_tracker_error;
};

} // namespace fanout::app
