#pragma once
// Installing a plugin library into the user plugin dir, after the same checks as loading.

#include <filesystem>
#include <string>

namespace fanout::plugins {

/// What install_plugin did.
struct Installed {
  std::string name;                 ///< the plugin's name from its descriptor
  std::string version;
  std::filesystem::path destination; ///< <dir>/fanout-<name>.so
  bool replaced = false;            ///< a file of that name was there before
};

/// Loads and checks `source` exactly as discovery would, then copies it to
/// `dir`/fanout-<name>.so (creating `dir`). The copy goes to a temporary file that is
/// renamed over the destination, so a fanout that has the old file mapped keeps running.
/// Throws UserError, copying nothing, when:
///   "PATH" does not exist
///   cannot install "PATH": <the refusal reason>
///   cannot install "PATH": cannot write "DEST": <system message>
Installed install_plugin(const std::filesystem::path& source, const std::filesystem::path& dir);

} // namespace fanout::plugins
