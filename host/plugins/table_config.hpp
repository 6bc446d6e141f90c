#pragma once
// The config a plugin instance gets from its table in fanout.toml ([tracker], [database],
// [agent.<name>], [[review]], ...): one rule for every command that creates plugins.

#include "host/config/config.hpp"
#include "host/plugins/registry.hpp"

#include <nlohmann/json.hpp>

namespace fanout::plugins {

/// The table's entries validated against the keys its selected plugin declares, as the JSON
/// object the plugin receives. An unknown plugin, or one found but not loaded, is reported
/// first, at the selector's position ("fanout.toml:2:8: [tracker]: unknown plugin "githubb"
/// (did you mean "github"?)"): its keys cannot be checked, so listing them as unknown would
/// only hide the real mistake. Throws UserError with ExitCode::usage.
nlohmann::json table_config(const config::Config& config, const config::PluginTable& table, const Registry& registry);

} // namespace fanout::plugins
