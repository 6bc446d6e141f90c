#pragma once
// `fanout init`: what can be detected in a repository, and the annotated fanout.toml
// written from it.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::config {

struct Detection {
  std::optional<std::string> github_repo; ///< "owner/name" from remote "origin" on github.com
  std::vector<std::string> lockfiles;     ///< found at the repo root, in table order
  std::vector<std::string> install;       ///< installs that fill a reuse dir: run only when it was not reused
  std::vector<std::string> setup;         ///< installs with nothing to reuse (go mod download): always run
  std::vector<std::string> reuse;         ///< dependency dirs the installs fill
  std::optional<std::string> sqlite_path; ///< first SQLite file, relative to the repo root
};

/// "owner/name" for a github.com remote URL (https, ssh, scp-like "git@github.com:o/n.git",
/// git://), nullopt for anything else.
std::optional<std::string> github_repo_from_url(std::string_view url);

/// Looks at remote "origin", lockfiles at the root, and SQLite files (*.db, *.sqlite,
/// *.sqlite3) anywhere below the root except .git, node_modules, .fanout and .venv.
Detection detect(const std::filesystem::path& repo_root);

/// The annotated fanout.toml for `detection`. It always passes `fanout config check`
/// except for [workspace] install and setup in a repo that is not trusted yet.
std::string render_init_toml(const Detection& detection);

} // namespace fanout::config
