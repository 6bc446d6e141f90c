#pragma once
// The programs `fanout doctor` looks for on PATH: git, and those the configured agent
// providers declare they run (PluginDescriptor::program), with how to install each.

#include "host/config/config.hpp"
#include "host/plugins/registry.hpp"
#include "host/workspace/doctor.hpp"

#include <vector>

namespace fanout::app {

/// git first, then, for each agent provider the config names ([agent] provider and every
/// [agent.<name>] table, in name order), the program its plugin declares. A provider that
/// is not loaded, or declares no program, adds nothing; a program is listed once.
std::vector<workspace::ToolCheck> doctor_tools(const config::Config& config, const plugins::Registry& registry);

} // namespace fanout::app
