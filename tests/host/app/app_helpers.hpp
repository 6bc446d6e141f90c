#pragma once
// For the use-case tests: a temp repository with a fanout.toml and a user config, loaded,
// and the registry of the built plugins.

#include "host/config/config.hpp"
#include "host/plugins/registry.hpp"
#include "tests/support/agent_harness.hpp"

#include <string>

namespace fanout::test {

/// A git repository in a temp dir; config() loads its fanout.toml over `user_toml` (the user
/// config, where trusted keys such as an agent's command may be set).
class AppRepo {
public:
  explicit AppRepo(const std::string& fanout_toml = "", const std::string& user_toml = "");
  const std::filesystem::path& root() const { return m_repo.path(); }
  const agents::TempRepo& repo() const { return m_repo; }
  /// The loaded config; fails the test case when it is invalid.
  const config::Config& config() const { return m_config; }

private:
  agents::TempRepo m_repo;
  agents::TempRepo m_home{false}; ///< holds the user config
  config::Config m_config;
};

/// Every plugin the build made (shipped ones), discovered once per call.
std::unique_ptr<plugins::Registry> built_plugins();

} // namespace fanout::test
