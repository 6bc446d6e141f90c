#pragma once
// The rule that keeps a remote `[runner]` from sessions that cannot reach their database: a
// session on another machine needs a database branch it can connect to, and a brancher says
// whether its branches are reachable from elsewhere (sdk::DatabaseBrancher::reachable_remotely:
// not a file on this machine, not a server on a loopback address). `fanout config check`
// reports it with the other config errors; `fanout run` refuses to start with it.

#include "host/app/plugin_set.hpp"
#include "host/config/config.hpp"
#include "host/config/diagnostic.hpp"

#include <fanout/sdk/database_brancher.hpp>

#include <optional>

namespace fanout::app {

/// The refusal, positioned at `[runner] kind`, when `config` names a remote runner and
/// `brancher` (the [database] brancher, nullptr when none) makes branches only this machine
/// reaches; nullopt otherwise.
std::optional<config::Diagnostic> remote_runner_refusal(const config::Config& config,
                                                        const sdk::DatabaseBrancher* brancher);

/// For `fanout config check`: makes the [database] brancher through `plugins` and appends
/// remote_runner_refusal() to `errors`. A brancher that cannot be made is left to the plugin
/// table checks, which report why.
void check_remote_runner(const config::Config& config, PluginSet& plugins, config::Diagnostics& errors);

} // namespace fanout::app
