#pragma once
// Library: one plugin shared library, opened with RTLD_NOW | RTLD_LOCAL. The only file that
// calls Boost.DLL (see library.cpp); everything else sees a handle and a descriptor pointer.

#include <fanout/sdk/plugin.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <variant>

namespace fanout::plugins {

/// A loaded library. Unloaded (dlclose) when the last shared_ptr to it goes away, so
/// everything that may call into the library holds one (see instance.hpp).
class Library {
public:
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  const std::filesystem::path& path() const noexcept { return m_path; }

  /// What the entry point returned: static storage inside the library, valid while it is
  /// loaded. Not yet validated: pass it to check_descriptor() before reading past the
  /// first three fields.
  const sdk::PluginDescriptor* descriptor() const noexcept { return m_descriptor; }

private:
  friend struct LibraryOpener;
  Library() = default;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::filesystem::path m_path;
  const sdk::PluginDescriptor* m_descriptor = nullptr;
};

/// Opens `path` and calls its entry point. On failure returns the reason, lower-case:
///   cannot load library: <dlerror text>
///   no entry point "fanout_plugin_entry" (not a fanout plugin?)
///   entry point "fanout_plugin_entry" returned no descriptor
/// Running the entry point is the only plugin code that runs before the ABI check
/// (besides the library's static initializers, which dlopen runs).
std::variant<std::shared_ptr<const Library>, std::string> open_library(const std::filesystem::path& path);

} // namespace fanout::plugins
