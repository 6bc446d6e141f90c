#pragma once
// The one rule for paths: a path key set by a repo's fanout.toml that the user does not
// trust (or left at its default) must resolve, symlinks included, inside the repository or
// fanout's data dir. Keys of type sdk::ConfigType::path / path_array are checked here, by
// config::validate_entries(), so `fanout config check` and every load report the same
// positioned error.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fanout::config {

/// "~" and "~/x" with $HOME; anything else unchanged.
std::filesystem::path expand_home(const std::string& text);

/// Where `value` points: "~" expanded, relative to `repo_root`, then every symlink of the
/// part that exists followed (weakly_canonical) and normalized.
std::filesystem::path resolve_path(const std::string& value, const std::filesystem::path& repo_root);

/// The folders a path key may name without trust: the repo itself and fanout's data dir
/// ($XDG_DATA_HOME/fanout, default ~/.local/share/fanout), each as weakly_canonical.
std::vector<std::filesystem::path> allowed_roots(const std::filesystem::path& repo_root);

/// True when `path` is `dir` or below it (both already normalized).
bool is_within(const std::filesystem::path& path, const std::filesystem::path& dir);

/// nullopt when `value` resolves inside allowed_roots(repo_root); otherwise the message:
/// `"../x" resolves to "/a/x", outside the repository`.
std::optional<std::string> path_escape(const std::string& value, const std::filesystem::path& repo_root);

} // namespace fanout::config
