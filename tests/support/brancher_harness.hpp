#pragma once
// Test harness for the database brancher plugins: the real built plugin, loaded through
// the host's Registry and hosted in a PluginHost, as `fanout up` would use it.

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"

#include <fanout/sdk/database_brancher.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace fanout::test::branchers {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class ScratchDir {
public:
  explicit ScratchDir(const std::string& tag = "fanout-test");
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

/// The registry of the build's plugins, discovered once per test executable.
const plugins::Registry& shared_registry();

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
