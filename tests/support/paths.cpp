#include "tests/support/paths.hpp"

namespace fanout::test {

std::filesystem::path source_dir() { return FANOUT_TEST_SOURCE_DIR; }
std::filesystem::path binary_dir() { return FANOUT_TEST_BINARY_DIR; }
std::filesystem::path fanout_executable() { return FANOUT_TEST_EXECUTABLE; }
std::filesystem::path plugin_dir() { return FANOUT_BUILD_PLUGIN_DIR; }
std::filesystem::path fixture_dir() { return FANOUT_TEST_FIXTURE_DIR; }
std::filesystem::path agent_cli_dir() { return FANOUT_TEST_AGENT_CLI_DIR; }

} // namespace fanout::test
