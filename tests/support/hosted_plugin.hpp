#pragma once
// A built plugin hosted for a test the way `fanout run` hosts it: made through the shared
// Registry, in a PluginHost with the real process runner and HTTP client. The harness of
// each plugin kind (notifiers, reviewers) adds what its kind needs (secrets, agents).

#include "host/plugins/plugin_host.hpp"
#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"
#include "tests/support/built_plugins.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

namespace fanout::test {

/// A plugin instance of kind `Kind` and everything it is bound to (declared in destruction
/// order: the instance goes first, the services it uses last).
template <class Kind> struct HostedPlugin {
  std::unique_ptr<sdk::ProcessRunner> processes;
  std::unique_ptr<sdk::HttpClient> http;
  std::unique_ptr<plugins::PluginHost> host;
  plugins::Instance<Kind> instance;
  Kind* operator->() const { return instance.get(); }
};

/// Makes plugin `plugin`'s `Kind` with `config` (as Host::config() hands it over, already
/// validated) for a repository at `repo_root`, its data under `data_dir`. `services` brings
/// what the kind's harness adds; its process runner and HTTP client are set to real ones
/// the result owns. The failure is the registry's.
template <class Kind>
sdk::Result<HostedPlugin<Kind>> host_plugin(const std::string& plugin, plugins::HostServices services,
                                            nlohmann::json config, const std::filesystem::path& repo_root,
                                            const std::filesystem::path& data_dir) {
  HostedPlugin<Kind> hosted;
  hosted.processes = std::make_unique<services::LocalProcessRunner>();
  hosted.http = std::make_unique<services::CurlHttpClient>();
  services.processes = hosted.processes.get();
  services.http = hosted.http.get();
  hosted.host =
      std::make_unique<plugins::PluginHost>(std::move(services), plugin, std::move(config), repo_root, data_dir);
  auto made = shared_registry().create<Kind>(plugin, *hosted.host);
  if (!made.ok()) return std::move(made).failure();
  hosted.instance = std::move(made).value();
  return hosted;
}

} // namespace fanout::test
