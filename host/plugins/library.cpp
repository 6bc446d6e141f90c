#include "host/plugins/library.hpp"

// The one place Boost.DLL is used (BOOST_DLL_USE_STD_FS is defined for fanout_core, so paths
// are std::filesystem and errors std::error_code). A plain exported function needs
// shared_library::get, not import_alias.
#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>

namespace fanout::plugins {

struct Library::Impl {
  boost::dll::shared_library library;
};

Library::~Library() = default;

struct LibraryOpener {
  static std::shared_ptr<Library> make() { return std::shared_ptr<Library>(new Library()); }
  static Library::Impl& impl(Library& library) {
    library.m_impl = std::make_unique<Library::Impl>();
    return *library.m_impl;
  }
  static void set(Library& library, std::filesystem::path path, const sdk::PluginDescriptor* descriptor) {
    library.m_path = std::move(path);
    library.m_descriptor = descriptor;
  }
};

namespace {

using EntryFunction = const sdk::PluginDescriptor*();

std::string last_dl_error() {
  const char* text = ::dlerror(); // boost leaves the dlopen failure in place
  return text ? text : "unknown error";
}

} // namespace

std::variant<std::shared_ptr<const Library>, std::string> open_library(const std::filesystem::path& path) {
  auto library = LibraryOpener::make();
  auto& impl = LibraryOpener::impl(*library);
  std::error_code ec;
  // RTLD_NOW: an unresolved symbol fails here with dlerror's text instead of crashing later.
  // RTLD_LOCAL: two plugins may define the same symbols without binding to each other's.
  impl.library.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec || !impl.library.is_loaded()) return "cannot load library: " + last_dl_error();
  if (!impl.library.has(sdk::k_entry_symbol))
    return std::string("no entry point \"") + sdk::k_entry_symbol + "\" (not a fanout plugin?)";
  EntryFunction& entry = impl.library.get<EntryFunction>(sdk::k_entry_symbol);
  const sdk::PluginDescriptor* descriptor = nullptr;
  try {
    descriptor = entry();
  } catch (...) {
    // The entry point is noexcept when made by FANOUT_PLUGIN; a hand-written one may not be.
    descriptor = nullptr;
  }
  if (!descriptor) return std::string("entry point \"") + sdk::k_entry_symbol + "\" returned no descriptor";
  LibraryOpener::set(*library, path, descriptor);
  return std::shared_ptr<const Library>(std::move(library));
}

} // namespace fanout::plugins
