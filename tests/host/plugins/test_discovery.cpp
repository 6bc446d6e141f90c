// The plugin search order, built from fake inputs (no real environment or executable).
#include "host/plugins/discovery.hpp"
#include "tests/host/plugins/fixtures_helpers.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace fanout;
using fanout::plugins::SearchInputs;

namespace fs = std::filesystem;

namespace {

std::function<const char*(const char*)> env_of(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

std::vector<std::string> listed(const std::vector<plugins::SearchDir>& dirs) {
  std::vector<std::string> out;
  for (const auto& dir : dirs) out.push_back(dir.origin + " " + dir.path.string());
  return out;
}

} // namespace

TEST_CASE("plugin discovery: config, repo, user, install, in that order", "[plugins]") {
  SearchInputs inputs;
  inputs.config_dirs = {"/opt/team/plugins", "/opt/more"};
  inputs.repo_root = "/src/app";
  inputs.getenv = env_of({{"XDG_DATA_HOME", "/data"}, {"HOME", "/home/u"}});
  inputs.executable = "/usr/local/bin/fanout";
  CHECK(listed(plugins::search_dirs(inputs)) ==
        std::vector<std::string>{"config /opt/team/plugins", "config /opt/more", "repo /src/app/.fanout/plugins",
                                 "user /data/fanout/plugins",
                                 "install /usr/local/" + std::string(FANOUT_INSTALL_PLUGIN_DIR)});
}

TEST_CASE("plugin discovery: the user dir falls back to ~/.local/share", "[plugins]") {
  auto home_only = env_of({{"HOME", "/home/u"}});
  CHECK(plugins::user_plugin_dir(home_only) == fs::path("/home/u/.local/share/fanout/plugins"));
  // A relative XDG_DATA_HOME is invalid per the XDG spec and ignored.
  CHECK(plugins::user_plugin_dir(env_of({{"XDG_DATA_HOME", "rel"}, {"HOME", "/h"}})) ==
        fs::path("/h/.local/share/fanout/plugins"));
  CHECK_FALSE(plugins::user_plugin_dir(env_of({})).has_value());
}

TEST_CASE("plugin discovery: an executable in the build tree uses the build's plugin dir instead of an install's", "[plugins]") {
  SearchInputs inputs;
  inputs.getenv = env_of({});
  const fs::path build_plugins = fs::weakly_canonical(fanout::test::plugin_dir());
  const fs::path build_root = build_plugins.parent_path().parent_path().parent_path();
  inputs.executable = build_root / "bin" / "fanout";
  CHECK(listed(plugins::search_dirs(inputs)) == std::vector<std::string>{"build " + build_plugins.string()});
  inputs.executable = "/usr/bin/fanout";
  auto dirs = listed(plugins::search_dirs(inputs));
  CHECK(dirs == std::vector<std::string>{"install /usr/" + std::string(FANOUT_INSTALL_PLUGIN_DIR)});
}

TEST_CASE("plugin discovery: a directory listed twice keeps its first place", "[plugins]") {
  SearchInputs inputs;
  inputs.config_dirs = {"/x/.local/share/fanout/plugins"};
  inputs.getenv = env_of({{"HOME", "/x"}});
  CHECK(listed(plugins::search_dirs(inputs)) == std::vector<std::string>{"config /x/.local/share/fanout/plugins"});
}

TEST_CASE("plugin discovery: plugin file names", "[plugins]") {
  CHECK(plugins::is_plugin_file_name("fanout-jira.so"));
  CHECK_FALSE(plugins::is_plugin_file_name("fanout-.so"));
  CHECK_FALSE(plugins::is_plugin_file_name("libjira.so"));
  CHECK_FALSE(plugins::is_plugin_file_name("fanout-jira.so.1"));
  CHECK(plugins::name_from_file("/a/fanout-diff-rules.so") == "diff-rules");
}
