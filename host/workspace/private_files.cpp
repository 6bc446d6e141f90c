#include "host/workspace/private_files.hpp"

#include "host/util/error.hpp"
#include "host/workspace/linked_worktree.hpp"

#include <git2.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fanout::workspace {
namespace fs = std::filesystem;
namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string clean_entry(std::string entry) {
  while (entry.rfind("./", 0) == 0) entry.erase(0, 2);
  while (!entry.empty() && entry.back() == '/') entry.pop_back();
  return entry;
}

/// The user's global excludes: core.excludesFile of the global config, else git's default
/// $XDG_CONFIG_HOME/git/ignore (~/.config/git/ignore).
std::string global_excludes(git_config* config) {
  git_buf buf{};
  fs::path path;
  if (config && git_config_get_path(&buf, config, "core.excludesFile") == 0) path = buf.ptr;
  git_buf_dispose(&buf);
  if (path.empty()) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    if (xdg && *xdg) path = fs::path(xdg) / "git" / "ignore";
    else if (home && *home) path = fs::path(home) / ".config" / "git" / "ignore";
  }
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec) ? read_text(path) : "";
}

/// Writes `key = value` into the INI file `path` under [section], keeping what else is there.
void set_ini(const fs::path& path, const std::string& section, const std::string& key, const std::string& value) {
  std::istringstream in(read_text(path));
  std::string out, line;
  bool in_section = false, written = false;
  while (std::getline(in, line)) {
    const bool header = !line.empty() && line.front() == '[';
    if (header && in_section && !written) {
      out += "\t" + key + " = " + value + "\n";
      written = true;
    }
    if (header) in_section = line == "[" + section + "]";
    if (in_section && line.find(key) != std::string::npos && line.find('=') != std::string::npos) continue;
    out += line + "\n";
  }
  if (!written) out += (in_section ? "" : "[" + section + "]\n") + ("\t" + key + " = " + value + "\n");
  std::ofstream(path, std::ios::trunc) << out;
}

} // namespace

std::vector<std::string> private_files(const config::WorkspaceConfig& workspace) {
  std::vector<std::string> out;
  for (const auto& list : {workspace.copy, workspace.reuse, std::vector<std::string>{workspace.env_file}})
    for (const auto& entry : list)
      if (auto cleaned = clean_entry(entry); !cleaned.empty()) out.push_back(cleaned);
  return out;
}

void exclude_in_worktree(const fs::path& repo_root, const fs::path& worktree, const std::vector<std::string>& files) {
  const auto gitdir = gitdir_of(worktree);
  if (!gitdir)
    throw UserError("cannot find the git dir of worktree \"" + worktree.string() + "\" to exclude fanout's files");
  const fs::path admin = *gitdir;

  git_libgit2_init();
  git_repository* repo = nullptr;
  git_config* config = nullptr;
  std::string globals;
  if (git_repository_open(&repo, repo_root.c_str()) == 0 && git_repository_config(&config, repo) == 0) {
    globals = global_excludes(config);
    int enabled = 0;
    if (git_config_get_bool(&enabled, config, "extensions.worktreeConfig") != 0 || !enabled) {
      // Git config writes fail on a concurrent writer's lock: the caller serialises this.
      if (git_config_set_bool(config, "extensions.worktreeConfig", 1) != 0) {
        const git_error* error = git_error_last();
        const std::string why = error && error->message ? error->message : "unknown error";
        git_config_free(config);
        git_repository_free(repo);
        git_libgit2_shutdown();
        throw UserError("cannot set extensions.worktreeConfig in the repository's git config: " + why);
      }
    }
  }
  if (config) git_config_free(config);
  if (repo) git_repository_free(repo);
  git_libgit2_shutdown();

  std::string text = "# written by fanout: files it copies into this worktree, never committed\n";
  for (const auto& file : files) text += "/" + file + "\n";
  if (!globals.empty()) text += "# your global excludes (core.excludesFile), which this file stands in for\n" + globals;
  const fs::path exclude = admin / "fanout-exclude";
  std::ofstream(exclude, std::ios::trunc) << text;
  set_ini(admin / "config.worktree", "core", "excludesFile", exclude.string());
  if (!std::ifstream(exclude)) throw UserError("cannot write \"" + exclude.string() + "\"");
}

std::optional<std::string> first_private(const std::vector<std::string>& touched, const std::vector<std::string>& files) {
  for (const auto& path : touched)
    for (const auto& file : files)
      if (path == file || path.rfind(file + "/", 0) == 0) return path;
  return std::nullopt;
}

} // namespace fanout::workspace
