#pragma once
// JSON shapes of agent events and session results: the transcript lines, the `--json`
// output of `fanout agent run`, and what the replay provider reads back.

#include <fanout/sdk/agent_provider.hpp>

#include <nlohmann/json.hpp>

#include <string_view>

namespace fanout::agent {

/// "text", "tool_use", "tool_result", "usage", "error", "other".
std::string_view to_string(sdk::AgentEvent::Type type) noexcept;

/// {"type", "text"?, "tool"?, "detail"?, "usage"? {input, output, cache_read, cache_write}}:
/// empty strings are left out; usage only for usage events. `raw` is not included.
nlohmann::json event_to_json(const sdk::AgentEvent& event);

/// {"ok", "kind" (null when ok, else the outcome: "timeout", "max_turns"...), "text",
///  "session_id", "tokens" {input, output, cache_read, cache_write}, "cost_usd" (null when
///  unknown), "turns", "duration_ms", "garbage_lines"}.
nlohmann::json result_to_json(const sdk::SessionResult& result);

/// {"input", "output", "cache_read", "cache_write"}.
nlohmann::json usage_to_json(const sdk::Usage& usage);

} // namespace fanout::agent
