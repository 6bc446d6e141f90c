#pragma once
// Where plugins are looked for, in order. The first directory to provide a plugin name wins.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fanout::plugins {

/// One directory to search, and why it is on the list (shown by `fanout plugin list`).
struct SearchDir {
  std::filesystem::path path;
  std::string origin; ///< "config", "repo", "user", "install", "build"
};

/// Everything the search order depends on, so tests can build it without touching the
/// real environment or executable.
struct SearchInputs {
  std::vector<std::filesystem::path> config_dirs;   ///< `plugin dirs` from config, resolved
  std::optional<std::filesystem::path> repo_root;   ///< absent outside a repository
  std::function<const char*(const char*)> getenv = [](const char* name) { return std::getenv(name); };
  std::filesystem::path executable;                 ///< the running fanout; "" to skip install/build dirs
};

/// The search order:
///   1. config plugin dirs, in the order given
///   2. <repo>/.fanout/plugins
///   3. the user dir: $XDG_DATA_HOME/fanout/plugins (default ~/.local/share/fanout/plugins)
///   4. the install's plugin dir, relative to the executable: <exe>/../../<libdir>/fanout/plugins,
///      or, when the executable lives in the build tree, the build's plugin dir instead
/// Directories that do not exist are kept (they simply hold nothing); a directory listed
/// twice keeps only its first place.
std::vector<SearchDir> search_dirs(const SearchInputs& inputs);

/// $XDG_DATA_HOME/fanout/plugins, or ~/.local/share/fanout/plugins. Where `plugin install`
/// copies to. nullopt when neither XDG_DATA_HOME nor HOME is set.
std::optional<std::filesystem::path> user_plugin_dir(const std::function<const char*(const char*)>& getenv);

/// The running executable (/proc/self/exe), or "" when it cannot be read.
std::filesystem::path current_executable();

/// Plugin files in `dir`: regular files named fanout-*.so, sorted by name so discovery is
/// deterministic. Missing or unreadable directories give none.
std::vector<std::filesystem::path> plugin_files(const std::filesystem::path& dir);

/// True when `file_name` looks like a plugin file (fanout-<something>.so).
bool is_plugin_file_name(const std::string& file_name);

/// "jira" for ".../fanout-jira.so": the name shown for a library whose descriptor could
/// not be read.
std::string name_from_file(const std::filesystem::path& path);

} // namespace fanout::plugins
