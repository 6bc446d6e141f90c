#pragma once
// Registry: every plugin library found on the search path, loaded or refused, and the
// factory for plugin instances.

#include "host/plugins/discovery.hpp"
#include "host/plugins/instance.hpp"
#include "host/plugins/library.hpp"

#include <fanout/sdk/host.hpp>
#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::plugins {

enum class PluginStatus { loaded, rejected, shadowed };

/// "loaded", "rejected", "shadowed".
const char* to_string(PluginStatus status) noexcept;

/// One library file found during discovery.
struct PluginRecord {
  std::string name;        ///< from the descriptor; from the file name when it could not be read
  bool named_by_descriptor = false;
  std::string version;     ///< "" when unknown
  std::string description;
  std::uint32_t kinds = 0; ///< bits of sdk::Kind; 0 when unknown
  std::filesystem::path path;
  PluginStatus status = PluginStatus::rejected;
  std::string reason;      ///< why it was rejected or shadowed; "" when loaded
  /// Loaded plugins only: the library and its validated descriptor.
  std::shared_ptr<const Library> library;
};

/// Loads `path` and checks it like discovery does, without registering it anywhere
/// (`fanout plugin install` uses it). The record is `loaded` or `rejected` with its reason.
PluginRecord inspect(const std::filesystem::path& path);

/// Owns the loaded libraries. Build it, call discover() once, then use it from any thread
/// (records() and create() only read). Destroying it unloads libraries in reverse load
/// order; a library that still has live instances stays loaded until the last one dies.
class Registry {
public:
  Registry() = default;
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Loads every plugin file in `dirs`, in order. The first library to claim a plugin
  /// name keeps it, even when it was refused (an override that cannot load must not
  /// silently fall back to another build); later ones are `shadowed` and unloaded.
  /// Rejected libraries are unloaded right away.
  void discover(const std::vector<SearchDir>& dirs);

  /// Every library found, in discovery order.
  const std::vector<PluginRecord>& records() const noexcept { return m_records; }

  /// The loaded plugin called `name`, or nullptr.
  const PluginRecord* find(std::string_view name) const noexcept;

  /// Names of the loaded plugins, sorted.
  std::vector<std::string> loaded_names() const;

  /// Makes an instance of `kind` from plugin `name`, bound to `host` (which must outlive it).
  /// Failures (lower-case, ready for the user):
  ///   not_found:   unknown plugin "jria" (did you mean "jira"?)
  ///                plugin "x" was not loaded: <reason>
  ///   unsupported: plugin "x" is not a reviewer (it provides: issue_tracker)
  ///   error:       plugin "x" failed to create its reviewer: <message>
  sdk::Result<Instance<void>> create(std::string_view name, sdk::Kind kind, sdk::Host& host) const;

  /// Typed create: create<sdk::Reviewer>("diff-rules", host).
  template <typename T> sdk::Result<Instance<T>> create(std::string_view name, sdk::Host& host) const;

private:
  struct Made {
    void* instance;
    std::shared_ptr<const Library> library;
    void (*destroy)(sdk::Kind, void*) noexcept;
  };
  sdk::Result<Made> make(std::string_view name, sdk::Kind kind, sdk::Host& host) const;

  std::vector<PluginRecord> m_records;
};

template <typename T>
sdk::Result<Instance<T>> Registry::create(std::string_view name, sdk::Host& host) const {
  auto made = make(name, kind_of<T>(), host);
  if (!made.ok()) return std::move(made).failure();
  return Instance<T>(static_cast<T*>(made->instance), InstanceDeleter<T>{made->library, made->destroy});
}

} // namespace fanout::plugins
