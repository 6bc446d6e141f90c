#include "host/workspace/private_files.hpp"

#include "host/git/linked_worktree.hpp"
#include "host/git/repo.hpp"
#include "host/util/text_file.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fanout::workspace {
namespace fs = std::filesystem;
namespace {

std::string clean_entry(std::string entry) {
  while (entry.rfind("./", 0) == 0) entry.erase(0, 2);
  while (!entry.empty() && entry.back() == '/') entry.pop_back();
  return entry;
}

/// The user's global excludes: core.excludesFile of the git config, else git's default
/// $XDG_CONFIG_HOME/git/ignore (~/.config/git/ignore).
std::string global_excludes(const fs::path& repo_root) {
  fs::path path = git::config_path(repo_root, "core.excludesFile").value_or(fs::path());
  if (path.empty()) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    if (xdg && *xdg) path = fs::path(xdg) / "git" / "ignore";
    else if (home && *home) path = fs::path(home) / ".config" / "git" / "ignore";
  }
  std::error_code ec;
  return !path.empty() && fs::is_regular_file(path, ec) ? util::read_text(path) : "";
}

/// Writes `key = value` into the INI file `path` under [section], keeping what else is there.
void set_ini(const fs::path& path, const std::string& section, const std::string& key, const std::string& value) {
  std::istringstream in(util::read_text(path));
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

sdk::Result<void> exclude_in_worktree(const fs::path& repo_root, const fs::path& worktree,
                                      const std::vector<std::string>& files) {
  const auto gitdir = git::gitdir_of(worktree);
  if (!gitdir)
    return sdk::fail(sdk::FailureKind::error,
                     "cannot find the git dir of worktree \"" + worktree.string() + "\" to exclude fanout's files");
  const fs::path admin = *gitdir;

  const std::string globals = global_excludes(repo_root);
  // Git config writes fail on a concurrent writer's lock: the caller serialises this.
  if (auto enabled = git::enable_worktree_config(repo_root); !enabled.ok()) return enabled;

  std::string text = "# written by fanout: files it copies into this worktree, never committed\n";
  for (const auto& file : files) text += "/" + file + "\n";
  if (!globals.empty()) text += "# your global excludes (core.excludesFile), which this file stands in for\n" + globals;
  const fs::path exclude = admin / "fanout-exclude";
  std::ofstream(exclude, std::ios::trunc) << text;
  set_ini(admin / "config.worktree", "core", "excludesFile", exclude.string());
  if (!std::ifstream(exclude)) return sdk::fail(sdk::FailureKind::error, "cannot write \"" + exclude.string() + "\"");
  return {};
}

std::optional<std::string> first_private(const std::vector<std::string>& touched, const std::vector<std::string>& files) {
  for (const auto& path : touched)
    for (const auto& file : files)
      if (path == file || path.rfind(file + "/", 0) == 0) return path;
  return std::nullopt;
}

} // namespace fanout::workspace
