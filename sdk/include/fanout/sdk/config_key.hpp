#pragma once
// ConfigKey: how a plugin declares the keys of its config table, so the host can validate
// them (with file:line:col errors and "did you mean") before the plugin ever sees them.

#include <cstdint>

namespace fanout::sdk {

/// The type of a config value, and how the host converts it to JSON for Host::config().
enum class ConfigType : std::uint32_t {
  string,           ///< JSON string
  integer,          ///< JSON integer
  positive_integer, ///< JSON integer > 0
  boolean,          ///< JSON bool
  number,           ///< JSON number (integers accepted)
  string_array,     ///< JSON array of strings
  duration,         ///< "90s", "45m", "2h" or integer seconds -> JSON integer milliseconds
  string_map,       ///< inline table of strings -> JSON object
  // ABI 1.1: path keys. The JSON is what string / string_array give (the text as written);
  // what changes is the check: a value set by an untrusted repo's fanout.toml, or a
  // default, must resolve (relative to the repo root, "~" expanded, symlinks followed)
  // inside the repository or fanout's data dir ($XDG_DATA_HOME/fanout). A key that is also
  // trusted_only may point anywhere once the repo is trusted, like every key from the
  // user config or a trusted repo.
  path,             ///< JSON string naming a file or folder
  path_array,       ///< JSON array of strings, each a path
};

/// Who may set a key. Plain `bool` before ABI 2.0; an enum so that a key list says it by name.
enum class Trust : bool {
  any_repo = false,    ///< any fanout.toml may set it
  trusted_only = true, ///< the key chooses binaries, paths or URLs that get credentials: honoured
                       ///< from a repo's fanout.toml only when the user config marks that repo
                       ///< trusted (docs/config.md#trust); the user config may always set it
};

/// One key of a plugin's table. Plain data so a plugin can declare a static array of them,
/// written with designated initializers (fields left out take the defaults below):
///
///   {.name = "api_url", .type = ConfigType::string, .default_value = "\"https://api.github.com\"",
///    .doc = "API base URL", .trust = Trust::trusted_only}
struct ConfigKey {
  const char* name = nullptr;          ///< as written in fanout.toml: "api_url"
  ConfigType type = ConfigType::string;
  const char* default_value = nullptr; ///< TOML literal ("\"https://api.github.com\"", "3", "[]"), or nullptr: no default
  const char* doc = nullptr;           ///< one line for `docs/config.md` and error messages
  Trust trust = Trust::any_repo;
};

} // namespace fanout::sdk
