#pragma once
// Loading: the user config ($XDG_CONFIG_HOME/fanout/config.toml) merged under the repo's
// fanout.toml, validated against the key table. Every error is collected, none stops the
// load early; the returned Config holds defaults where a value was wrong.

#include "host/config/config.hpp"
#include "host/config/diagnostic.hpp"

#include <filesystem>
#include <optional>

namespace fanout::config {

struct LoadOptions {
  std::filesystem::path repo_root;                  ///< where fanout.toml is (or would be)
  std::optional<std::filesystem::path> user_config; ///< default: default_user_config_path()
};

struct LoadResult {
  Config config;
  Diagnostics errors; ///< empty when the config is valid (plugin tables not yet checked)
};

/// $XDG_CONFIG_HOME/fanout/config.toml, else ~/.config/fanout/config.toml.
std::filesystem::path default_user_config_path();

/// Reads both files (either may be missing) and validates host keys. Never throws for
/// config problems; they are in LoadResult::errors.
LoadResult load(const LoadOptions& options);

/// load(), throwing UserError (ExitCode::usage) with every error when there are any.
Config load_or_throw(const LoadOptions& options);

} // namespace fanout::config
