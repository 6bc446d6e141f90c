#include "host/plugins/table_config.hpp"

#include "host/config/diagnostic.hpp"
#include "host/config/plugin_table.hpp"
#include "host/util/error.hpp"
#include "host/util/suggest.hpp"

namespace fanout::plugins {

nlohmann::json table_config(const config::Config& config, const config::PluginTable& table, const Registry& registry) {
  const PluginRecord* record = registry.find(table.plugin);
  if (!record || !record->library || !record->library->descriptor()) {
    std::string message = "unknown plugin \"" + table.plugin + "\"" + util::did_you_mean(table.plugin, registry.loaded_names());
    for (const auto& other : registry.records())
      if (other.name == table.plugin && other.status != PluginStatus::loaded)
        message = "plugin \"" + table.plugin + "\" was not loaded: " + other.reason;
    throw UserError(config::format_diagnostics({{table.position, table.section, message}}), ExitCode::usage);
  }
  const auto* descriptor = record->library->descriptor();
  std::span<const sdk::ConfigKey> keys;
  if (descriptor->config_keys) keys = {descriptor->config_keys, descriptor->config_key_count};
  return config::plugin_config(config, table, keys);
}

} // namespace fanout::plugins
