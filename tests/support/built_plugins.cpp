#include "tests/support/built_plugins.hpp"

#include "host/config/plugin_table.hpp"
#include "tests/support/paths.hpp"

namespace fanout::test {

const plugins::Registry& shared_registry() {
  static const plugins::Registry* registry = [] {
    auto* made = new plugins::Registry();
    made->discover({plugins::SearchDir{plugin_dir(), "build"}});
    return made;
  }();
  return *registry;
}

std::variant<nlohmann::json, std::string> validate_plugin_config(const std::string& plugin, const std::string& section,
                                                                 const nlohmann::json& config) {
  const auto* record = shared_registry().find(plugin);
  if (!record) return "plugin \"" + plugin + "\" is not in the build's plugin dir";
  const auto* d = record->library->descriptor();
  config::PluginTable table;
  table.plugin = plugin;
  table.section = section;
  for (const auto& [key, value] : config.items())
    table.entries.push_back(config::RawEntry{key, value, value.dump(), {}, {}, false});
  config::Trust trust;
  trust.trusted = true;
  config::Diagnostics errors;
  auto json = config::validate_plugin_table(table, {d->config_keys, d->config_key_count}, trust, errors);
  if (!errors.empty()) return errors.front().str();
  return json;
}

} // namespace fanout::test
