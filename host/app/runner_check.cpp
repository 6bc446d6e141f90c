#include "host/app/runner_check.hpp"

#include <exception>

namespace fanout::app {

std::optional<config::Diagnostic> remote_runner_refusal(const config::Config& config,
                                                        const sdk::DatabaseBrancher* brancher) {
  if (!config.runner.remote_runner() || !brancher || brancher->reachable_remotely()) return std::nullopt;
  const auto& runner = config.runner.table;
  return config::Diagnostic{
      runner.position, "[runner]",
      "kind = \"" + runner.plugin + "\" runs agent sessions on other machines, but the database branches of " +
          "[database] brancher = \"" + config.database.brancher.plugin +
          "\" are reachable only from this one (a file here, or a server on a loopback address): use a brancher " +
          "with a server the runner's machines can reach, or [runner] kind = \"" + config::k_local_runner +
          "\" (see docs/runner.md)"};
}

void check_remote_runner(const config::Config& config, PluginSet& plugins, config::Diagnostics& errors) {
  if (!config.runner.remote_runner() || config.database.brancher.plugin.empty()) return;
  try {
    auto brancher = plugins.make<sdk::DatabaseBrancher>(config.database.brancher);
    if (!brancher.ok()) return;
    if (auto refusal = remote_runner_refusal(config, *brancher)) errors.push_back(std::move(*refusal));
  } catch (const std::exception&) {
    // A bad [database] table: check_plugins() reports it at its own position.
  }
}

} // namespace fanout::app
