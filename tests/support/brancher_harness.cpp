#include "tests/support/brancher_harness.hpp"

#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <stdexcept>

namespace fanout::test::branchers {

sdk::Result<LoadedBrancher> try_load_brancher(const std::string& plugin, nlohmann::json config,
                                              const std::filesystem::path& repo_root, plugins::HostServices services) {
  LoadedBrancher loaded;
  loaded.host = std::make_unique<plugins::PluginHost>(std::move(services), plugin, std::move(config), repo_root,
                                                      repo_root / ".fanout" / "plugins" / plugin);
  auto made = shared_registry().create<sdk::DatabaseBrancher>(plugin, *loaded.host);
  if (!made.ok()) return std::move(made).failure();
  loaded.brancher = std::move(made).value();
  return loaded;
}

LoadedBrancher load_brancher(const std::string& plugin, nlohmann::json config, const std::filesystem::path& repo_root,
                             plugins::HostServices services) {
  auto loaded = try_load_brancher(plugin, std::move(config), repo_root, std::move(services));
  if (!loaded.ok()) FAIL("cannot load the " << plugin << " brancher: " << loaded.failure().message);
  return std::move(loaded).value();
}

} // namespace fanout::test::branchers
