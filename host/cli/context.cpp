#include "host/cli/context.hpp"

#include "host/config/loader.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/secrets.hpp"
#include "host/util/error.hpp"

#include <cstdlib>

namespace fanout::cli {

namespace fs = std::filesystem;

Context::Context() = default;
Context::~Context() = default;

const fs::path& Context::repo_root() {
  if (m_repo_root) return *m_repo_root;
  if (!options.repo.empty()) {
    std::error_code ec;
    fs::path root = fs::weakly_canonical(options.repo, ec);
    if (ec || !fs::is_directory(root))
      throw UserError("repository \"" + options.repo + "\" is not a directory", ExitCode::usage);
    return m_repo_root.emplace(root);
  }
  for (fs::path dir = fs::current_path(); !dir.empty(); dir = dir.parent_path()) {
    // symlink_status: a fanout.toml that is a symlink loop or points nowhere still marks the
    // repo (the loader then says what is wrong with it) instead of throwing from here.
    std::error_code ec;
    if (fs::exists(fs::symlink_status(dir / "fanout.toml", ec)) || fs::exists(fs::symlink_status(dir / ".git", ec)))
      return m_repo_root.emplace(dir);
    if (dir == dir.root_path()) break;
  }
  throw UserError("not inside a git repository (run fanout from one, or pass --repo DIR)", ExitCode::usage);
}

plugins::Registry& Context::plugins() {
  if (m_plugins) return *m_plugins;
  plugins::SearchInputs inputs;
  try {
    inputs.repo_root = repo_root();
  } catch (const UserError&) {
    // Outside a repository: only the user, install and build dirs.
  }
  // A config that fails to load must not hide `plugin list`: its dirs are then skipped.
  try {
    if (inputs.repo_root) inputs.config_dirs = config().plugins.dirs;
  } catch (const UserError&) {
  }
  inputs.executable = plugins::current_executable();
  m_plugins = std::make_unique<plugins::Registry>();
  m_plugins->discover(plugins::search_dirs(inputs));
  return *m_plugins;
}

void register_named_secrets(const config::Config& config) {
  auto& secrets = services::SecretRegistry::global();
  auto table = [&](const config::PluginTable& t) {
    for (const auto& entry : t.entries) {
      if (entry.key.size() < 4 || entry.key.compare(entry.key.size() - 4, 4, "_env") != 0 || !entry.value.is_string())
        continue;
      if (const char* value = std::getenv(entry.value.get_ref<const std::string&>().c_str())) secrets.add(value);
    }
  };
  table(config.tracker);
  table(config.codehost);
  table(config.database.brancher);
  for (const auto& [name, provider] : config.agent.providers) table(provider);
  for (const auto& review : config.reviews) table(review.table);
  for (const auto& notify : config.notifiers) table(notify.table);
}

const config::Config& Context::config() {
  if (!m_config) {
    m_config = std::make_unique<config::Config>(config::load_or_throw({repo_root()}));
    register_named_secrets(*m_config);
  }
  return *m_config;
}

} // namespace fanout::cli
