#include "host/agent/result_json.hpp"

namespace fanout::agent {

std::string_view to_string(sdk::AgentEvent::Type type) noexcept {
  using Type = sdk::AgentEvent::Type;
  switch (type) {
  case Type::text: return "text";
  case Type::tool_use: return "tool_use";
  case Type::tool_result: return "tool_result";
  case Type::usage: return "usage";
  case Type::error: return "error";
  case Type::other: return "other";
  }
  return "other";
}

nlohmann::json usage_to_json(const sdk::Usage& usage) {
  return {{"input", usage.input}, {"output", usage.output}, {"cache_read", usage.cache_read},
          {"cache_write", usage.cache_write}};
}

nlohmann::json event_to_json(const sdk::AgentEvent& event) {
  nlohmann::json out = {{"type", to_string(event.type)}};
  if (!event.text.empty()) out["text"] = event.text;
  if (!event.tool.empty()) out["tool"] = event.tool;
  if (!event.detail.empty()) out["detail"] = event.detail;
  if (event.type == sdk::AgentEvent::Type::usage) out["usage"] = usage_to_json(event.usage);
  return out;
}

nlohmann::json result_to_json(const sdk::SessionResult& result) {
  bool ok = result.outcome == sdk::SessionOutcome::success;
  nlohmann::json out;
  out["ok"] = ok;
  out["kind"] = ok ? nlohmann::json(nullptr) : nlohmann::json(std::string(sdk::to_string(result.outcome)));
  out["text"] = result.text;
  out["session_id"] = result.session_id;
  out["tokens"] = usage_to_json(result.usage);
  out["cost_usd"] = result.cost_usd ? nlohmann::json(*result.cost_usd) : nlohmann::json(nullptr);
  out["turns"] = result.turns;
  out["duration_ms"] = result.duration.count();
  out["garbage_lines"] = result.garbage_lines;
  return out;
}

} // namespace fanout::agent
