#include "tests/host/config/config_helpers.hpp"

namespace fanout::test {
namespace fs = std::filesystem;

ConfigRepo::ConfigRepo() : m_root(m_base / "repo"), m_user_config(m_base / "home" / "fanout" / "config.toml") {
  fs::create_directories(m_root);
  fs::create_directories(m_user_config.parent_path());
}

void ConfigRepo::write(const fs::path& relative, const std::string& text) const { write_text(m_root / relative, text); }

void ConfigRepo::repo_toml(const std::string& text) const { write("fanout.toml", text); }

void ConfigRepo::user_toml(const std::string& text) const { write_text(m_user_config, text); }

config::LoadResult ConfigRepo::load() const { return config::load({m_root, m_user_config}); }

std::vector<std::string> ConfigRepo::errors() const {
  std::vector<std::string> out;
  for (const auto& error : load().errors) out.push_back(error.str());
  return out;
}

} // namespace fanout::test
