#include "support/event_lines.hpp"

namespace fanout::support {

std::optional<nlohmann::json> read_event_line(const std::string& line, sdk::GarbageCounter& garbage) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return std::nullopt;
  nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
  bool is_event =
      !event.is_discarded() && event.is_object() && event.contains("type") && event["type"].is_string();
  garbage.line(!is_event);
  return is_event ? std::move(event) : nlohmann::json();
}

void emit_events(std::vector<sdk::AgentEvent> events, const std::string& line, const sdk::EventSink& sink) {
  if (events.empty()) events.emplace_back();
  events.front().raw = line;
  for (const auto& event : events)
    sink(event);
}

} // namespace fanout::support
