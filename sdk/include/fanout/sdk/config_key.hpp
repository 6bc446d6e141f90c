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
};

/// One key of a plugin's table. Plain data so a plugin can declare a static array of them.
struct ConfigKey {
  const char* name;          ///< as written in fanout.toml: "api_url"
  ConfigType type;
  const char* default_value; ///< TOML literal ("\"https://api.github.com\"", "3", "[]"), or nullptr: no default
  const char* doc;           ///< one line for `docs/config.md` and error messages
  bool trusted_only;         ///< true for keys that choose binaries, paths or URLs that get
                             ///< credentials: honoured from a repo's fanout.toml only when the
                             ///< user config marks that repo trusted
};

} // namespace fanout::sdk
