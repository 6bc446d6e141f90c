#pragma once
// Helpers for the plugin loader tests: fixture paths, a PluginHost; commands run with
// tests/support/shell.hpp.

#include "host/plugins/discovery.hpp"
#include "host/plugins/plugin_host.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fanout::test {

/// <build>/tests/fixtures/<folder>: the folder holding one fixture plugin.
std::filesystem::path fixture_folder(const std::string& folder);
/// The fixture library in that folder: .../<folder>/fanout-fixture-<folder>.so
std::filesystem::path fixture_library(const std::string& folder);

/// Search dirs for exactly these folders, in order (origin "test").
std::vector<plugins::SearchDir> dirs_of(const std::vector<std::filesystem::path>& paths);

/// A PluginHost with no network or process services, for plugins that need none.
std::unique_ptr<plugins::PluginHost> make_host(const std::string& plugin, nlohmann::json config = nlohmann::json::object());

/// Lines of a text file (none when it does not exist).
std::vector<std::string> read_lines(const std::filesystem::path& path);

} // namespace fanout::test
