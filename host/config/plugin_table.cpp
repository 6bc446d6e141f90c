#include "host/config/plugin_table.hpp"

#include "host/config/key_table.hpp"
#include "host/config/value.hpp"
#include "host/util/error.hpp"

namespace fanout::config {

PluginTable empty_table(const std::string& section, const std::string& plugin) {
  PluginTable table;
  table.plugin = plugin;
  table.section = section;
  return table;
}

nlohmann::json validate_plugin_table(const PluginTable& table, std::span<const sdk::ConfigKey> keys,
                                     const Trust& trust, Diagnostics& errors) {
  // The section's own host keys are valid too, so a typo of one ("knid") is suggested.
  std::string name = table.section;
  while (!name.empty() && (name.front() == '[')) name.erase(name.begin());
  while (!name.empty() && (name.back() == ']')) name.pop_back();
  std::vector<std::string> host_names;
  for (const auto& key : keys_of(name)) host_names.emplace_back(key.name);
  return validate_entries(table.section, table.entries, keys, trust, errors, host_names);
}

nlohmann::json plugin_config(const Config& config, const PluginTable& table, std::span<const sdk::ConfigKey> keys) {
  Diagnostics errors;
  nlohmann::json out = validate_plugin_table(table, keys, config.trust, errors);
  if (!errors.empty()) throw UserError(format_diagnostics(errors), ExitCode::usage);
  return out;
}

} // namespace fanout::config
