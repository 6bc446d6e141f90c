#pragma once
// Where the tests find what the build made.

#include <filesystem>

namespace fanout::test {

/// The source tree root.
std::filesystem::path source_dir();
/// The build tree root.
std::filesystem::path binary_dir();
/// The built `fanout` executable.
std::filesystem::path fanout_executable();
/// Where the build puts shipped plugins.
std::filesystem::path plugin_dir();
/// Where the build puts fixture plugins and fake executables (tests/fixtures, tests/fakes).
std::filesystem::path fixture_dir();
/// Where scripts/setup.sh installs the pinned real agent CLIs (`claude`, `codex`).
std::filesystem::path agent_cli_dir();

} // namespace fanout::test
