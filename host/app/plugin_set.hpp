#pragma once
// PluginSet: the one place fanout makes plugin instances. It configures each from its
// fanout.toml table (plugins::table_config), gives it a PluginHost with the shared host
// services and its data dir, keeps it, and tears every instance down before the host it
// uses, in reverse order of creation. Agent providers are one cache, made on first use and
// shared by everything in the process (sessions, reviewers, heal).
//
// Every kind goes through the same two templates (make<T>, make_fresh<T>): a new kind needs
// only its plugins::kind_of<T> specialisation, nothing here.

#include "host/config/config.hpp"
#include "host/plugins/instance.hpp"
#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/result.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::app {

/// Where plugins keep their files: plugin `name` gets `<repo>/.fanout/data/<name>` as its
/// sdk::Host::data_dir, one rule for every kind (docs/plugin-abi.md).
std::filesystem::path plugin_data_root(const std::filesystem::path& repo_root);

/// Thread-safe. `config` and `registry` must outlive the set; so must whatever `services`
/// points to (the HTTP client, the process runner).
class PluginSet {
public:
  /// `services.agent` is ignored: the set offers its own agent cache to every plugin but an
  /// agent (an agent does not run other agents). `data_root` replaces `<repo>/.fanout/data`
  /// for every instance (`fanout agent run` keeps a single session's files out of the repo).
  PluginSet(const config::Config& config, const plugins::Registry& registry, plugins::HostServices services,
            std::filesystem::path data_root = {});
  /// Destroys every instance before its PluginHost, the last made first.
  ~PluginSet();
  PluginSet(const PluginSet&) = delete;
  PluginSet& operator=(const PluginSet&) = delete;

  /// The JSON plugin `table.plugin` receives: `table` checked against the keys it declares.
  /// Throws UserError (ExitCode::usage) at the table's position for an unknown plugin or a
  /// bad key: `fanout.toml:2:8: [tracker]: unknown plugin "jria" (did you mean "jira"?)`.
  nlohmann::json config_of(const config::PluginTable& table) const;

  /// Makes an instance of T from `table`, owned by the set until it is destroyed. Throws
  /// like config_of(); a plugin that cannot be made is the registry's failure, unprefixed
  /// (`plugin "x" is not an issue_tracker (...)`): the caller names its table.
  template <typename T> sdk::Result<T*> make(const config::PluginTable& table);

  /// A fresh instance the caller owns (it holds its PluginHost), for plugins made anew each
  /// time: a reviewer per validation round. `config` is config_of(table), checked earlier;
  /// `services` replaces the set's (reviewers get the allowlisted process runner and a
  /// metered agent lookup).
  template <typename T>
  sdk::Result<std::shared_ptr<T>> make_fresh(const config::PluginTable& table, nlohmann::json config,
                                             plugins::HostServices services) const;

  /// Agent provider `name`, made on first call with its `[agent.<name>]` table (the
  /// defaults when there is none), then shared. An unknown or unloaded plugin is the
  /// registry's message (`unknown plugin "cladue" (did you mean "claude-code"?)`); a bad
  /// `[agent.<name>]` table is config_of()'s.
  sdk::Result<sdk::AgentProvider*> agent(std::string_view name);

  /// agent() as the function plugins::HostServices::agent wants.
  std::function<sdk::Result<sdk::AgentProvider*>(std::string_view)> agent_lookup();

  /// The services instances get (with the agent cache); a base for make_fresh()'s.
  const plugins::HostServices& services() const { return m_services; }
  const config::Config& config() const { return m_config; }
  const plugins::Registry& registry() const { return m_registry; }

private:
  struct Made {
    std::unique_ptr<plugins::PluginHost> host;
    std::shared_ptr<void> instance; ///< holds the plugin's deleter (and so its library)
  };
  std::unique_ptr<plugins::PluginHost> host_for(const config::PluginTable& table, nlohmann::json config,
                                                plugins::HostServices services) const;
  /// Keeps `made` (instance and host) until the set dies; returns the instance.
  void* keep(Made made);

  const config::Config& m_config;
  const plugins::Registry& m_registry;
  plugins::HostServices m_services;       ///< with the agent cache
  plugins::HostServices m_agent_services; ///< without it
  std::filesystem::path m_data_root;
  mutable std::mutex m_mutex; ///< guards m_made and m_agents
  std::vector<Made> m_made;   ///< in creation order
  std::map<std::string, sdk::AgentProvider*, std::less<>> m_agents;
};

template <typename T> sdk::Result<T*> PluginSet::make(const config::PluginTable& table) {
  auto host = host_for(table, config_of(table), m_services);
  auto made = m_registry.create<T>(table.plugin, *host);
  if (!made.ok()) return std::move(made).failure();
  return static_cast<T*>(keep({std::move(host), std::shared_ptr<T>(std::move(*made))}));
}

template <typename T>
sdk::Result<std::shared_ptr<T>> PluginSet::make_fresh(const config::PluginTable& table, nlohmann::json config,
                                                      plugins::HostServices services) const {
  std::shared_ptr<plugins::PluginHost> host = host_for(table, std::move(config), std::move(services));
  auto made = m_registry.create<T>(table.plugin, *host);
  if (!made.ok()) return std::move(made).failure();
  auto deleter = made->get_deleter();
  // The instance goes first (the deleter body), then the host it used (the capture).
  return std::shared_ptr<T>(made->release(), [deleter, host](T* instance) { deleter(instance); });
}

} // namespace fanout::app
