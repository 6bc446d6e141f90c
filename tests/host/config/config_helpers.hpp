#pragma once
// A temp repo with a fanout.toml and a user config, for config tests.

#include "host/config/loader.hpp"
#include "tests/support/temp_dir.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::test {

class ConfigRepo {
public:
  ConfigRepo();

  const std::filesystem::path& root() const { return m_root; }
  const std::filesystem::path& user_config() const { return m_user_config; }

  /// Writes fanout.toml.
  void repo_toml(const std::string& text) const;
  /// Writes the user config.
  void user_toml(const std::string& text) const;
  /// Writes any file under the repo, creating directories.
  void write(const std::filesystem::path& relative, const std::string& text) const;

  config::LoadResult load() const;
  /// Every error's str(), in order.
  std::vector<std::string> errors() const;

private:
  TempDir m_base{"config"};
  std::filesystem::path m_root;
  std::filesystem::path m_user_config;
};

} // namespace fanout::test
