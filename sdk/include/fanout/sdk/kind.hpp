#pragma once
// Kind: the plugin kinds, as bits of PluginDescriptor::kinds and as listed in a spec's `kinds`.

#include <cstdint>

namespace fanout::sdk {

/// Plugin kinds, as bits of PluginDescriptor::kinds.
enum class Kind : std::uint32_t {
  agent_provider = 1u << 0,
  issue_tracker = 1u << 1,
  code_host = 1u << 2,
  database_brancher = 1u << 3,
  reviewer = 1u << 4,
  notifier = 1u << 5, ///< since ABI 2.0
  runner = 1u << 6,   ///< since ABI 3.0
};

/// Names as used on the command line and in `fanout plugin list` ("issue_tracker").
constexpr const char* to_string(Kind kind) noexcept {
  switch (kind) {
  case Kind::agent_provider: return "agent_provider";
  case Kind::issue_tracker: return "issue_tracker";
  case Kind::code_host: return "code_host";
  case Kind::database_brancher: return "database_brancher";
  case Kind::reviewer: return "reviewer";
  case Kind::notifier: return "notifier";
  case Kind::runner: return "runner";
  }
  return "unknown";
}

} // namespace fanout::sdk
