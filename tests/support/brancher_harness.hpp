#pragma once
// Test harness for the database brancher plugins: the real built plugin, loaded through
// the host's Registry and hosted in a PluginHost, as `fanout up` would use it.

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "tests/support/built_plugins.hpp"
#include "tests/support/temp_dir.hpp"

#include <fanout/sdk/database_brancher.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace fanout::test::branchers {

/// The name these tests give a temp folder (tests/support/temp_dir.hpp).
using ScratchDir = TempDir;
using test::shared_registry;

/// A brancher instance and the host it is bound to (declared in destruction order).
struct LoadedBrancher {
  std::unique_ptr<plugins::PluginHost> host;
  plugins::Instance<sdk::DatabaseBrancher> brancher;
  sdk::DatabaseBrancher* operator->() const { return brancher.get(); }
};

/// Makes plugin `plugin`'s brancher with `config` (as Host::config() would hand it over:
/// durations in milliseconds) for a repository at `repo_root`. The failure is the
/// registry's ("plugin \"sqlite\" failed to create its database_brancher: ...").
sdk::Result<LoadedBrancher> try_load_brancher(const std::string& plugin, nlohmann::json config,
                                              const std::filesystem::path& repo_root,
                                              plugins::HostServices services = {});

/// try_load_brancher that fails the test case when the plugin cannot be made.
LoadedBrancher load_brancher(const std::string& plugin, nlohmann::json config, const std::filesystem::path& repo_root,
                             plugins::HostServices services = {});

} // namespace fanout::test::branchers
