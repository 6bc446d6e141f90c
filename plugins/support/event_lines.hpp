#pragma once
// The part of reading an agent CLI's JSON-lines event stream that does not depend on the CLI:
// which lines are events, which are noise (counted by the SDK's flood rule), and how a line's
// events reach the sink so that every line lands in the transcript exactly once.

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/agent_stream.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fanout::support {

/// One stdout line. nullopt for a blank line (not counted). Every other line is counted in
/// `garbage`; it is an event when it is a JSON object with a string "type" (returned), else
/// noise (a null json is returned).
std::optional<nlohmann::json> read_event_line(const std::string& line, sdk::GarbageCounter& garbage);

/// Hands `events` to `sink` in order, the first carrying `line` as its `raw`; a line with no
/// events gives one empty `other` event, so the transcript keeps it.
void emit_events(std::vector<sdk::AgentEvent> events, const std::string& line, const sdk::EventSink& sink);

} // namespace fanout::support
