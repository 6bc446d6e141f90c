#include "tests/host/app/app_helpers.hpp"

#include "host/config/loader.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fanout::test {

AppRepo::AppRepo(const std::string& fanout_toml, const std::string& user_toml) {
  if (!fanout_toml.empty()) m_repo.write("fanout.toml", fanout_toml);
  const auto user_config = m_home.path() / "config.toml";
  std::ofstream(user_config) << user_toml;
  auto loaded = config::load({root(), user_config});
  for (const auto& error : loaded.errors) FAIL(error.str());
  m_config = std::move(loaded.config);
}

std::unique_ptr<plugins::Registry> built_plugins() {
  auto registry = std::make_unique<plugins::Registry>();
  registry->discover({{plugin_dir(), "build"}});
  return registry;
}

} // namespace fanout::test
