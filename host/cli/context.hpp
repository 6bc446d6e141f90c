#pragma once
// What every command may need, loaded lazily: the repo, its config, the plugins.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace fanout::plugins {
class Registry;
}
namespace fanout::config {
struct Config;
}

namespace fanout::cli {

/// Options shared by every command (set before any callback runs).
struct GlobalOptions {
  std::string repo;   ///< -C/--repo: the repository to work in ("" = discover from cwd)
  bool verbose = false;
  bool quiet = false;
};

/// Registers with the process's redactor the values of the variables the config names for
/// plugins (`token_env`, `server_url_env`: any plugin key ending in "_env"), whatever their
/// names. Every command that loads a config calls it (Context::config() does).
void register_named_secrets(const config::Config& config);

/// Lazily resolved state for commands. Not thread-safe; used from the main thread.
class Context {
public:
  GlobalOptions options;

  /// The repository root: --repo, else the nearest ancestor of the cwd with fanout.toml
  /// or .git. Throws UserError when there is none.
  const std::filesystem::path& repo_root();

  /// Every plugin on the search path (host/plugins/discovery.hpp), discovered on first
  /// call: config plugin dirs, <repo>/.fanout/plugins (when inside a repo), the user dir,
  /// the install's (or build tree's) plugin dir. Works outside a repository.
  plugins::Registry& plugins();

  /// The repo's fanout.toml merged over the user config (host/config/loader.hpp), loaded
  /// on first call. Throws UserError (ExitCode::usage) listing every error when invalid.
  const config::Config& config();

  Context();
  ~Context();

private:
  std::optional<std::filesystem::path> m_repo_root;
  std::unique_ptr<plugins::Registry> m_plugins;
  std::unique_ptr<config::Config> m_config;
};

} // namespace fanout::cli
