#pragma once
// The real built "local" plugin, loaded through the registry, bound to a temp repo.

#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/process_runner.hpp"
#include "tests/support/temp_dir.hpp"

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/issue_tracker.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace fanout::test {

class LocalPluginFixture {
public:
  /// A temp repo (`git init` when `with_git`), the plugin configured with `config` (TOML
  /// lines for its table in fanout.toml, validated against the plugin's declared keys) and
  /// `user_config` (the whole user config file: where trusted-only keys go).
  explicit LocalPluginFixture(bool with_git = false, const std::string& config = "", const std::string& user_config = "");
  ~LocalPluginFixture();

  const std::filesystem::path& root() const { return m_root; }
  void write(const std::filesystem::path& relative, const std::string& text) const;
  std::string read(const std::filesystem::path& relative) const;
  /// Runs `git <args>` in the repo (with a fixed identity); returns its exit code.
  int git(const std::string& args) const;

  sdk::IssueTracker& tracker();
  sdk::CodeHost& code_host();

private:
  TempDir m_base{"local"};
  std::filesystem::path m_root;
  services::LocalProcessRunner m_processes;
  plugins::Registry m_registry;
  std::unique_ptr<plugins::PluginHost> m_host;
  plugins::Instance<sdk::IssueTracker> m_tracker;
  plugins::Instance<sdk::CodeHost> m_code_host;
};

} // namespace fanout::test
