#pragma once
// What every command may need, loaded lazily: the repo, its config, the plugins.

#include <filesystem>
#include <optional>
#include <string>

namespace fanout::cli {

/// Options shared by every command (set before any callback runs).
struct GlobalOptions {
  std::string repo;   ///< -C/--repo: the repository to work in ("" = discover from cwd)
  bool verbose = false;
  bool quiet = false;
};

/// Lazily resolved state for commands. Not thread-safe; used from the main thread.
class Context {
public:
  GlobalOptions options;

  /// The repository root: --repo, else the nearest ancestor of the cwd with fanout.toml
  /// or .git. Throws UserError when there is none.
  const std::filesystem::path& repo_root();

private:
  std::optional<std::filesystem::path> m_repo_root;
};

} // namespace fanout::cli
