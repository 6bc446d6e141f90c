#include "tests/plugins/local/local_helpers.hpp"

#include "host/config/loader.hpp"
#include "host/config/plugin_table.hpp"
#include "tests/support/paths.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace fanout::test {
namespace fs = std::filesystem;

LocalPluginFixture::LocalPluginFixture(bool with_git, const std::string& config, const std::string& user_config)
    : m_root(m_base / "repo") {
  fs::create_directories(m_root);
  if (with_git && git("init -q -b main") != 0) throw std::runtime_error("git init failed");
  write("fanout.toml", "[tracker]\nkind = \"local\"\n" + config);
  std::ofstream(m_base / "user.toml") << user_config;

  m_registry.discover({{plugin_dir(), "build"}});
  const auto* record = m_registry.find("local");
  if (!record) throw std::runtime_error("the local plugin was not loaded from " + plugin_dir().string());
  const auto* d = record->library->descriptor();
  const auto loaded = config::load_or_throw({m_root, m_base / "user.toml"});
  auto json = config::plugin_config(loaded, loaded.tracker, std::span<const sdk::ConfigKey>(d->config_keys, d->config_key_count));
  plugins::HostServices services;
  services.processes = &m_processes;
  m_host = std::make_unique<plugins::PluginHost>(services, "local", json, m_root, m_root / ".fanout" / "data");
}

LocalPluginFixture::~LocalPluginFixture() {
  m_tracker.reset();
  m_code_host.reset();
  m_host.reset();
}

void LocalPluginFixture::write(const fs::path& relative, const std::string& text) const {
  write_text(m_root / relative, text);
}

std::string LocalPluginFixture::read(const fs::path& relative) const { return read_text(m_root / relative); }

int LocalPluginFixture::git(const std::string& args) const {
  const std::string command = "git -C '" + m_root.string() +
                              "' -c user.name=test -c user.email=test@example.com -c commit.gpgsign=false " + args +
                              " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

sdk::IssueTracker& LocalPluginFixture::tracker() {
  if (!m_tracker) {
    auto made = m_registry.create<sdk::IssueTracker>("local", *m_host);
    if (!made) throw std::runtime_error(made.failure().message);
    m_tracker = std::move(made).value();
  }
  return *m_tracker;
}

sdk::CodeHost& LocalPluginFixture::code_host() {
  if (!m_code_host) {
    auto made = m_registry.create<sdk::CodeHost>("local", *m_host);
    if (!made) throw std::runtime_error(made.failure().message);
    m_code_host = std::move(made).value();
  }
  return *m_code_host;
}

} // namespace fanout::test
