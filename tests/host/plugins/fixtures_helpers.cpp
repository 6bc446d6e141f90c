#include "tests/host/plugins/fixtures_helpers.hpp"

#include "tests/support/paths.hpp"

#include <fstream>

namespace fanout::test {

namespace fs = std::filesystem;

fs::path fixture_folder(const std::string& folder) { return fixture_dir() / folder; }

fs::path fixture_library(const std::string& folder) {
  return fixture_folder(folder) / ("fanout-fixture-" + folder + ".so");
}

std::vector<plugins::SearchDir> dirs_of(const std::vector<fs::path>& paths) {
  std::vector<plugins::SearchDir> dirs;
  for (const auto& path : paths) dirs.push_back({path, "test"});
  return dirs;
}

std::unique_ptr<plugins::PluginHost> make_host(const std::string& plugin, nlohmann::json config) {
  return std::make_unique<plugins::PluginHost>(plugins::HostServices{}, plugin, std::move(config),
                                               fs::temp_directory_path(), fs::temp_directory_path());
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

} // namespace fanout::test
