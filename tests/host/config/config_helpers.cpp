#include "tests/host/config/config_helpers.hpp"

#include <cstdlib>
#include <fstream>
#include <random>

namespace fanout::test {
namespace fs = std::filesystem;

ConfigRepo::ConfigRepo() {
  std::random_device random;
  m_base = fs::temp_directory_path() / ("fanout-config-" + std::to_string(random()));
  m_root = m_base / "repo";
  m_user_config = m_base / "home" / "fanout" / "config.toml";
  fs::create_directories(m_root);
  fs::create_directories(m_user_config.parent_path());
  m_root = fs::canonical(m_root);
}

ConfigRepo::~ConfigRepo() {
  std::error_code ec;
  fs::remove_all(m_base, ec);
}

void ConfigRepo::write(const fs::path& relative, const std::string& text) const {
  const fs::path path = m_root / relative;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void ConfigRepo::repo_toml(const std::string& text) const { write("fanout.toml", text); }

void ConfigRepo::user_toml(const std::string& text) const { std::ofstream(m_user_config, std::ios::binary) << text; }

config::LoadResult ConfigRepo::load() const { return config::load({m_root, m_user_config}); }

std::vector<std::string> ConfigRepo::errors() const {
  std::vector<std::string> out;
  for (const auto& error : load().errors) out.push_back(error.str());
  return out;
}

} // namespace fanout::test
