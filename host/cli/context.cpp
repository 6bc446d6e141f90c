#include "host/cli/context.hpp"

#include "host/util/error.hpp"

namespace fanout::cli {

namespace fs = std::filesystem;

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
    if (fs::exists(dir / "fanout.toml") || fs::exists(dir / ".git")) return m_repo_root.emplace(dir);
    if (dir == dir.root_path()) break;
  }
  throw UserError("not inside a git repository (run fanout from one, or pass --repo DIR)", ExitCode::usage);
}

} // namespace fanout::cli
