#pragma once
// Plugin tables: a [tracker], [codehost], [agent.<name>], [database] or [[review]] table
// checked against the keys the selected plugin declares (sdk::ConfigKey), turned into the
// JSON that sdk::Host::config() returns.

#include "host/config/config.hpp"
#include "host/config/diagnostic.hpp"

#include <fanout/sdk/config_key.hpp>

#include <nlohmann/json.hpp>

#include <span>

namespace fanout::config {

/// Validates `table` against `keys`: unknown keys (with a suggestion), wrong types, keys a
/// plugin marks trusted_only set by an untrusted repo. Appends every error to `errors` and
/// returns the JSON object with declared defaults filled in (keys without a default and
/// not set are absent); durations become integer milliseconds, string maps objects.
nlohmann::json validate_plugin_table(const PluginTable& table, std::span<const sdk::ConfigKey> keys,
                                     const Trust& trust, Diagnostics& errors);

/// validate_plugin_table(), throwing UserError (ExitCode::usage) listing every error.
nlohmann::json plugin_config(const Config& config, const PluginTable& table,
                             std::span<const sdk::ConfigKey> keys);

} // namespace fanout::config
