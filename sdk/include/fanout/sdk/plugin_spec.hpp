#pragma once
// The compile-time checks FANOUT_PLUGIN runs on a plugin's spec struct (plugin.hpp).
//
// C++ cannot list a struct's member names, so a misspelled factory (`make_reviwer`) cannot
// be found by looking for it. Instead a spec states its kinds, as a function states
// `override`, and each stated kind must have its factory under the known name and
// signature, and each known factory its kind:
//
//   static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::reviewer};
//   static std::unique_ptr<fanout::sdk::Reviewer> make_reviewer(fanout::sdk::Host& host);

#include "fanout/sdk/agent_provider.hpp"
#include "fanout/sdk/code_host.hpp"
#include "fanout/sdk/database_brancher.hpp"
#include "fanout/sdk/host.hpp"
#include "fanout/sdk/issue_tracker.hpp"
#include "fanout/sdk/kind.hpp"
#include "fanout/sdk/notifier.hpp"
#include "fanout/sdk/reviewer.hpp"
#include "fanout/sdk/runner.hpp"

#include <concepts>
#include <cstddef>
#include <iterator>
#include <memory>

namespace fanout::sdk::detail {

/// Whether Spec::kinds lists `kind`.
template <typename Spec> constexpr bool lists(Kind kind) {
  for (Kind listed : Spec::kinds)
    if (listed == kind) return true;
  return false;
}

// For each kind: `makes_<kind>` is a factory of the right signature, `names_<kind>` any
// static function of that name callable with a Host&.
#define FANOUT_SDK_KIND_TRAITS(kind, Interface)                                                    \
  template <typename Spec>                                                                         \
  concept makes_##kind = requires(Host& host) {                                                    \
    { Spec::make_##kind(host) } -> std::convertible_to<std::unique_ptr<Interface>>;                \
  };                                                                                               \
  template <typename Spec>                                                                         \
  concept names_##kind = requires(Host& host) { Spec::make_##kind(host); };

FANOUT_SDK_KIND_TRAITS(agent_provider, AgentProvider)
FANOUT_SDK_KIND_TRAITS(issue_tracker, IssueTracker)
FANOUT_SDK_KIND_TRAITS(code_host, CodeHost)
FANOUT_SDK_KIND_TRAITS(database_brancher, DatabaseBrancher)
FANOUT_SDK_KIND_TRAITS(reviewer, Reviewer)
FANOUT_SDK_KIND_TRAITS(notifier, Notifier)
FANOUT_SDK_KIND_TRAITS(runner, Runner)
#undef FANOUT_SDK_KIND_TRAITS

template <typename Spec>
concept lists_kinds = requires { std::size(Spec::kinds); } && std::size(Spec::kinds) > 0;

/// Fails to compile, with a message that names the kind and the factory, when the spec's
/// kinds and its make_* functions disagree.
template <typename Spec> constexpr bool check_spec() {
  static_assert(lists_kinds<Spec>,
                "FANOUT_PLUGIN: the spec must list its kinds, e.g. "
                "static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::reviewer};");
  if constexpr (lists_kinds<Spec>) {
#define FANOUT_SDK_CHECK_KIND(kind, Interface)                                                     \
  static_assert(!lists<Spec>(Kind::kind) || makes_##kind<Spec>,                                    \
                "FANOUT_PLUGIN: the spec lists Kind::" #kind " but has no "                        \
                "static std::unique_ptr<" #Interface "> make_" #kind "(Host&) (is its name "       \
                "misspelled?)");                                                                   \
  static_assert(lists<Spec>(Kind::kind) || !names_##kind<Spec>,                                    \
                "FANOUT_PLUGIN: the spec has make_" #kind " but its kinds do not list Kind::" #kind);
    FANOUT_SDK_CHECK_KIND(agent_provider, AgentProvider)
    FANOUT_SDK_CHECK_KIND(issue_tracker, IssueTracker)
    FANOUT_SDK_CHECK_KIND(code_host, CodeHost)
    FANOUT_SDK_CHECK_KIND(database_brancher, DatabaseBrancher)
    FANOUT_SDK_CHECK_KIND(reviewer, Reviewer)
    FANOUT_SDK_CHECK_KIND(notifier, Notifier)
    FANOUT_SDK_CHECK_KIND(runner, Runner)
#undef FANOUT_SDK_CHECK_KIND
  }
  return true;
}

} // namespace fanout::sdk::detail
