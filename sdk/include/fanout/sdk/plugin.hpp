#pragma once
// The plugin entry point: one extern "C" function returning a versioned descriptor.
// The rules (versions, lifetime, exceptions) are in docs/plugin-abi.md.
//
// A plugin declares itself with one struct and one macro:
//
//   struct MyPlugin {
//     static constexpr const char* name = "my-reviewer";
//     static constexpr const char* version = "1.0.0";
//     static constexpr const char* description = "flags large diffs";
//     static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::reviewer};
//     static constexpr fanout::sdk::ConfigKey config_keys[] = {   // optional
//         {.name = "max_lines", .type = fanout::sdk::ConfigType::positive_integer,
//          .default_value = "400", .doc = "largest diff"}};
//     static std::unique_ptr<fanout::sdk::Reviewer> make_reviewer(fanout::sdk::Host& host);
//   };
//
// A plugin that runs a program of its own by default (an agent CLI) may name it, for
// `fanout doctor` (both optional):
//     static constexpr const char* program = "claude";
//     static constexpr const char* install_hint = "npm install -g @anthropic-ai/claude-code";
//   FANOUT_PLUGIN(MyPlugin)
//
// List the kinds the plugin provides in `kinds` and give each its factory: make_agent_provider,
// make_issue_tracker, make_code_host, make_database_brancher, make_reviewer, make_notifier, make_runner.
// A kind listed without its factory (a misspelled `make_reviwer`) or a factory whose kind is
// not listed fails to compile, with a message naming both (plugin_spec.hpp).

#include "fanout/sdk/agent_provider.hpp"
#include "fanout/sdk/code_host.hpp"
#include "fanout/sdk/config_key.hpp"
#include "fanout/sdk/database_brancher.hpp"
#include "fanout/sdk/host.hpp"
#include "fanout/sdk/issue_tracker.hpp"
#include "fanout/sdk/kind.hpp"
#include "fanout/sdk/notifier.hpp"
#include "fanout/sdk/plugin_spec.hpp"
#include "fanout/sdk/reviewer.hpp"
#include "fanout/sdk/runner.hpp"
#include "fanout/sdk/version.hpp"

#include <cstdint>
#include <exception>
#include <memory>
#include <string>

namespace fanout::sdk {

/// What `fanout_plugin_entry` returns. Layout rules: the first three fields never move;
/// fields are only ever appended (with a minor version bump); the host reads a field only
/// when `struct_size` covers it. Everything points to static storage in the plugin.
struct PluginDescriptor {
  std::uint32_t abi_major;   ///< must equal the host's
  std::uint32_t abi_minor;   ///< must not be newer than the host's
  std::uint32_t struct_size; ///< sizeof(PluginDescriptor) when the plugin was built
  const char* toolchain;     ///< must equal the host's: compiler, C++ ABI, JSON library
  const char* name;
  const char* version;
  const char* description;
  std::uint32_t kinds;       ///< bitwise or of Kind
  const ConfigKey* config_keys;
  std::uint32_t config_key_count;
  /// Makes an instance of `kind` bound to `host` (which outlives it). Returns the
  /// interface pointer of that kind (e.g. Reviewer*) as void*, or nullptr with `error`
  /// set. Never throws.
  void* (*create)(Kind kind, Host* host, std::string* error) noexcept;
  /// Destroys an instance made by `create` with the same `kind`. Never throws.
  void (*destroy)(Kind kind, void* instance) noexcept;
  /// The program the plugin runs by default ("claude"), looked up on PATH by `fanout
  /// doctor`; nullptr when it runs none of its own (its config names it, or none at all).
  const char* program;
  /// The command that installs `program` ("npm install -g @anthropic-ai/claude-code"),
  /// printed by `fanout doctor` when it is missing; nullptr when there is none to give.
  const char* install_hint;
};

/// The exported symbol every plugin defines (through FANOUT_PLUGIN).
inline constexpr const char* k_entry_symbol = "fanout_plugin_entry";

namespace detail {

template <typename Spec> constexpr std::uint32_t kinds_of() {
  std::uint32_t kinds = 0;
  if constexpr (requires(Host& h) { Spec::make_agent_provider(h); }) kinds |= std::uint32_t(Kind::agent_provider);
  if constexpr (requires(Host& h) { Spec::make_issue_tracker(h); }) kinds |= std::uint32_t(Kind::issue_tracker);
  if constexpr (requires(Host& h) { Spec::make_code_host(h); }) kinds |= std::uint32_t(Kind::code_host);
  if constexpr (requires(Host& h) { Spec::make_database_brancher(h); }) kinds |= std::uint32_t(Kind::database_brancher);
  if constexpr (requires(Host& h) { Spec::make_reviewer(h); }) kinds |= std::uint32_t(Kind::reviewer);
  if constexpr (requires(Host& h) { Spec::make_notifier(h); }) kinds |= std::uint32_t(Kind::notifier);
  if constexpr (requires(Host& h) { Spec::make_runner(h); }) kinds |= std::uint32_t(Kind::runner);
  return kinds;
}

template <typename Spec> void* make(Kind kind, Host& host) {
  if constexpr (requires(Host& h) { Spec::make_agent_provider(h); })
    if (kind == Kind::agent_provider) return static_cast<AgentProvider*>(Spec::make_agent_provider(host).release());
  if constexpr (requires(Host& h) { Spec::make_issue_tracker(h); })
    if (kind == Kind::issue_tracker) return static_cast<IssueTracker*>(Spec::make_issue_tracker(host).release());
  if constexpr (requires(Host& h) { Spec::make_code_host(h); })
    if (kind == Kind::code_host) return static_cast<CodeHost*>(Spec::make_code_host(host).release());
  if constexpr (requires(Host& h) { Spec::make_database_brancher(h); })
    if (kind == Kind::database_brancher) return static_cast<DatabaseBrancher*>(Spec::make_database_brancher(host).release());
  if constexpr (requires(Host& h) { Spec::make_reviewer(h); })
    if (kind == Kind::reviewer) return static_cast<Reviewer*>(Spec::make_reviewer(host).release());
  if constexpr (requires(Host& h) { Spec::make_notifier(h); })
    if (kind == Kind::notifier) return static_cast<Notifier*>(Spec::make_notifier(host).release());
  if constexpr (requires(Host& h) { Spec::make_runner(h); })
    if (kind == Kind::runner) return static_cast<Runner*>(Spec::make_runner(host).release());
  return nullptr;
}

template <typename Spec> void* create(Kind kind, Host* host, std::string* error) noexcept {
  try {
    void* instance = make<Spec>(kind, *host);
    if (!instance && error) *error = std::string("plugin does not provide ") + to_string(kind);
    return instance;
  } catch (const std::exception& e) {
    if (error) *error = e.what();
  } catch (...) {
    if (error) *error = "unknown exception";
  }
  return nullptr;
}

template <typename Spec> void destroy(Kind kind, void* instance) noexcept {
  try {
    switch (kind) {
    case Kind::agent_provider: delete static_cast<AgentProvider*>(instance); break;
    case Kind::issue_tracker: delete static_cast<IssueTracker*>(instance); break;
    case Kind::code_host: delete static_cast<CodeHost*>(instance); break;
    case Kind::database_brancher: delete static_cast<DatabaseBrancher*>(instance); break;
    case Kind::reviewer: delete static_cast<Reviewer*>(instance); break;
    case Kind::notifier: delete static_cast<Notifier*>(instance); break;
    case Kind::runner: delete static_cast<Runner*>(instance); break;
    }
  } catch (...) {
    // A destructor that throws is a plugin bug; swallowing it keeps the host alive.
  }
}

template <typename Spec> const PluginDescriptor* descriptor() noexcept {
  static_assert(check_spec<Spec>());
  static const PluginDescriptor d = [] {
    PluginDescriptor out{};
    out.abi_major = k_abi_major;
    out.abi_minor = k_abi_minor;
    out.struct_size = sizeof(PluginDescriptor);
    out.toolchain = k_toolchain;
    out.name = Spec::name;
    out.version = Spec::version;
    out.description = Spec::description;
    out.kinds = kinds_of<Spec>();
    if constexpr (requires { Spec::config_keys; }) {
      out.config_keys = Spec::config_keys;
      out.config_key_count = std::uint32_t(std::size(Spec::config_keys));
    }
    out.create = &create<Spec>;
    out.destroy = &destroy<Spec>;
    if constexpr (requires { Spec::program; }) out.program = Spec::program;
    if constexpr (requires { Spec::install_hint; }) out.install_hint = Spec::install_hint;
    return out;
  }();
  return &d;
}

} // namespace detail
} // namespace fanout::sdk

/// Defines the plugin's entry point from a spec struct (see the top of this file).
/// Use once per shared library, at namespace scope.
#define FANOUT_PLUGIN(Spec)                                                                        \
  extern "C" __attribute__((visibility("default"))) const ::fanout::sdk::PluginDescriptor*      \
  fanout_plugin_entry() noexcept {                                                                 \
    return ::fanout::sdk::detail::descriptor<Spec>();                                              \
  }
