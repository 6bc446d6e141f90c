#pragma once
// The plugins this build made, as the harnesses of every plugin kind load them.

#include "host/plugins/registry.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

namespace fanout::test {

/// The registry of the build's plugins (<build>/plugins), discovered once per test
/// executable and never destroyed: plugin libraries stay loaded until exit, so the order of
/// static destructors is moot.
const plugins::Registry& shared_registry();

/// `config` checked against `plugin`'s declared keys as the host checks the table `section`
/// ("[tracker]", "[[review]]") of a trusted repo: the JSON the plugin gets (defaults
/// filled in), or the first error's text.
std::variant<nlohmann::json, std::string> validate_plugin_config(const std::string& plugin, const std::string& section,
                                                                 const nlohmann::json& config);

} // namespace fanout::test
