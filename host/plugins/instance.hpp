#pragma once
// Instance<T>: an object a plugin made, owned by the host. Its deleter calls the plugin's
// destroy and holds the plugin's library, so the library outlives every object it created.

#include "host/plugins/library.hpp"

#include <fanout/sdk/plugin.hpp>

#include <memory>

namespace fanout::plugins {

/// The kind whose interface is T (kind_of<sdk::Reviewer>() == Kind::reviewer).
template <typename T> constexpr sdk::Kind kind_of() noexcept;
template <> constexpr sdk::Kind kind_of<sdk::AgentProvider>() noexcept { return sdk::Kind::agent_provider; }
template <> constexpr sdk::Kind kind_of<sdk::IssueTracker>() noexcept { return sdk::Kind::issue_tracker; }
template <> constexpr sdk::Kind kind_of<sdk::CodeHost>() noexcept { return sdk::Kind::code_host; }
template <> constexpr sdk::Kind kind_of<sdk::DatabaseBrancher>() noexcept { return sdk::Kind::database_brancher; }
template <> constexpr sdk::Kind kind_of<sdk::Reviewer>() noexcept { return sdk::Kind::reviewer; }
template <> constexpr sdk::Kind kind_of<sdk::Notifier>() noexcept { return sdk::Kind::notifier; }
template <> constexpr sdk::Kind kind_of<sdk::Runner>() noexcept { return sdk::Kind::runner; }

/// Destroys through the plugin that made the object, then lets go of the library (members
/// are destroyed after the body runs, so the library is still loaded during destroy).
template <typename T> struct InstanceDeleter {
  std::shared_ptr<const Library> library;
  void (*destroy)(sdk::Kind, void*) noexcept = nullptr;

  void operator()(T* instance) const noexcept {
    if (instance && destroy) destroy(kind_of<T>(), static_cast<void*>(instance));
  }
};

/// The untyped form, for callers that pick the kind at run time: it remembers the kind
/// and hands the plugin back the same pointer its create returned.
template <> struct InstanceDeleter<void> {
  std::shared_ptr<const Library> library;
  void (*destroy)(sdk::Kind, void*) noexcept = nullptr;
  sdk::Kind kind = sdk::Kind::reviewer;
  void operator()(void* instance) const noexcept {
    if (instance && destroy) destroy(kind, instance);
  }
};

/// A plugin-made object of interface T. Movable, not copyable. The sdk::Host it was
/// created with must outlive it.
template <typename T> using Instance = std::unique_ptr<T, InstanceDeleter<T>>;

} // namespace fanout::plugins
