#include "host/app/doctor_tools.hpp"

#include "host/plugins/abi_check.hpp"

#include <algorithm>
#include <set>

namespace fanout::app {

std::vector<workspace::ToolCheck> doctor_tools(const config::Config& config, const plugins::Registry& registry) {
  std::vector<workspace::ToolCheck> tools{{"git", "sudo apt-get install git"}};
  std::set<std::string> providers{config.agent.provider};
  for (const auto& [name, table] : config.agent.providers) providers.insert(table.plugin.empty() ? name : table.plugin);
  for (const auto& name : providers) {
    const auto* record = registry.find(name);
    if (!record || !record->library || !record->library->descriptor()) continue;
    const auto info = plugins::read_info(*record->library->descriptor());
    if (info.program.empty()) continue;
    const bool listed = std::any_of(tools.begin(), tools.end(), [&](const auto& tool) { return tool.name == info.program; });
    if (!listed) tools.push_back({info.program, info.install_hint});
  }
  return tools;
}

} // namespace fanout::app
