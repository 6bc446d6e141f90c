#include "claude_stream.hpp"

#include "support/agent_outcome.hpp"
#include "support/event_lines.hpp"
#include "support/json_access.hpp"

#include <algorithm>
#include <cstring>
#include <regex>

namespace claude_code {

using fanout::sdk::AgentEvent;
using fanout::sdk::SessionOutcome;
using nlohmann::json;
using namespace fanout::support;

namespace {

fanout::sdk::Usage usage_of(const json& usage) {
  fanout::sdk::Usage out;
  if (!usage.is_object()) return out;
  out.input = int_at(usage, "input_tokens");
  out.output = int_at(usage, "output_tokens");
  out.cache_read = int_at(usage, "cache_read_input_tokens");
  out.cache_write = int_at(usage, "cache_creation_input_tokens");
  return out;
}

} // namespace

std::string content_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array())
    for (const auto& block : content)
      if (block.is_object() && string_at(block, "type") == "text")
        out += (out.empty() ? "" : "\n") + string_at(block, "text");
  return out;
}

void ClaudeStream::on_line(const std::string& line, const fanout::sdk::EventSink& sink) {
  auto read = support::read_event_line(line, m_garbage);
  if (!read) return;
  const json& event = *read;
  std::vector<AgentEvent> out;
  if (event.is_null()) {
    AgentEvent noise;
    noise.detail = "not a stream-json event";
    out.push_back(std::move(noise));
  } else {
    const std::string type = event["type"];
    if (auto sid = string_at(event, "session_id"); !sid.empty()) m_session_id = sid;
    if (type == "system" && string_at(event, "subtype") == "init") {
      m_initialized = true;
      if (auto it = event.find("slash_commands"); it != event.end() && it->is_array())
        for (const auto& name : *it)
          if (name.is_string()) m_slash_commands.insert(name.get<std::string>());
      AgentEvent init;
      init.text = "session " + m_session_id + " started (model " + string_at(event, "model") + ")";
      out.push_back(std::move(init));
    } else if (type == "assistant") {
      on_assistant(event, out);
    } else if (type == "user") {
      on_user(event, out);
    } else if (type == "rate_limit_event") {
      const json info = event.value("rate_limit_info", json::object());
      std::string status = info.is_object() ? string_at(info, "status") : "";
      if (status == "rejected") m_rate_rejected = true;
      AgentEvent limit;
      limit.type = status == "rejected" ? AgentEvent::Type::error : AgentEvent::Type::other;
      limit.text = "rate limit " + (status.empty() ? std::string("update") : status);
      out.push_back(std::move(limit));
    } else if (type == "result") {
      m_result = event;
      AgentEvent usage;
      usage.type = AgentEvent::Type::usage;
      usage.usage = usage_of(event.value("usage", json::object()));
      out.push_back(std::move(usage));
    }
  }
  support::emit_events(std::move(out), line, sink); // unknown types are still kept in the transcript
}

void ClaudeStream::on_assistant(const json& event, std::vector<AgentEvent>& out) {
  if (auto error = string_at(event, "error"); !error.empty()) m_api_error = error;
  const json message = event.value("message", json::object());
  if (!message.is_object()) return;
  for (const auto& block : message.value("content", json::array())) {
    if (!block.is_object()) continue;
    std::string type = string_at(block, "type");
    AgentEvent e;
    if (type == "text") {
      e.type = m_api_error.empty() ? AgentEvent::Type::text : AgentEvent::Type::error;
      e.text = string_at(block, "text");
      m_last_text = e.text;
    } else if (type == "tool_use") {
      e.type = AgentEvent::Type::tool_use;
      e.tool = string_at(block, "name");
      e.detail = block.value("input", json::object()).dump();
    } else {
      continue;
    }
    out.push_back(std::move(e));
  }
  // One API message may arrive as several assistant events with the same id and usage.
  std::string id = string_at(message, "id");
  if (message.contains("usage") && (id.empty() || m_message_ids.insert(id).second)) {
    ++m_turns;
    auto add = usage_of(message["usage"]);
    m_usage.input += add.input;
    m_usage.output += add.output;
    m_usage.cache_read += add.cache_read;
    m_usage.cache_write += add.cache_write;
    AgentEvent usage;
    usage.type = AgentEvent::Type::usage;
    usage.usage = m_usage;
    out.push_back(std::move(usage));
  }
}

void ClaudeStream::on_user(const json& event, std::vector<AgentEvent>& out) {
  const json message = event.value("message", json::object());
  if (!message.is_object() || !message.contains("content") || !message["content"].is_array()) return;
  for (const auto& block : message["content"]) {
    if (!block.is_object() || string_at(block, "type") != "tool_result") continue;
    AgentEvent e;
    e.type = AgentEvent::Type::tool_result;
    e.text = content_text(block.value("content", json()));
    if (block.value("is_error", false)) e.detail = "error";
    out.push_back(std::move(e));
  }
}

void ClaudeStream::on_stderr(const std::string& line) { m_stderr.add(line); }

SessionOutcome ClaudeStream::classify_error(const std::string& text) const {
  if (m_api_error == "authentication_failed" || m_api_error == "billing_error") return SessionOutcome::auth;
  if (m_api_error == "rate_limit" || m_rate_rejected) return SessionOutcome::rate_limited;
  return support::classify_agent_error(text);
}

std::optional<double> ClaudeStream::total_cost() const {
  if (!m_result) return std::nullopt;
  for (const char* key : {"total_cost_usd", "cost_usd", "total_cost"})
    if (m_result->contains(key) && (*m_result)[key].is_number()) return (*m_result)[key].get<double>();
  return std::nullopt;
}

fanout::sdk::SessionResult ClaudeStream::finish(const fanout::sdk::ProcessResult& process) const {
  fanout::sdk::SessionResult result;
  result.session_id = m_session_id;
  result.usage = m_usage;
  result.turns = m_turns;
  result.duration = process.duration;
  result.garbage_lines = static_cast<int>(m_garbage.garbage());
  if (m_result) {
    const json& r = *m_result;
    if (r.contains("usage")) result.usage = usage_of(r["usage"]);
    result.cost_usd = total_cost();
    if (r.contains("num_turns") && r["num_turns"].is_number_integer()) result.turns = r["num_turns"].get<int>();
  }
  const std::string stderr_tail = m_stderr.text();

  if (auto early = ended_early(process, m_garbage, "claude output is not stream-json", "lines were not JSON events",
                               result.text)) {
    result.outcome = *early;
  } else if (m_result) {
    const json& r = *m_result;
    std::string subtype = string_at(r, "subtype");
    bool is_error = r.value("is_error", false) || (subtype != "success" && !subtype.empty());
    std::string text = string_at(r, "result");
    if (!is_error) {
      result.outcome = SessionOutcome::success;
      result.text = r.contains("structured_output") && !r["structured_output"].is_null()
                        ? r["structured_output"].dump()
                        : text;
      return result;
    }
    if (text.empty() && r.contains("errors") && r["errors"].is_array())
      for (const auto& e : r["errors"])
        if (e.is_string()) text += (text.empty() ? "" : "; ") + e.get<std::string>();
    if (subtype == "error_max_turns") result.outcome = SessionOutcome::max_turns;
    else if (subtype == "error_max_budget_usd") result.outcome = SessionOutcome::budget;
    else result.outcome = classify_error(text + "\n" + m_last_text);
    // The HTTP status, when claude reports it, is the plainest signal: 529 is "overloaded".
    if (auto status = r.find("api_error_status"); status != r.end() && status->is_number_integer()) {
      if (*status == 429 || *status == 529) result.outcome = SessionOutcome::rate_limited;
      else if (*status == 401) result.outcome = SessionOutcome::auth;
    }
    result.text = text.empty() ? "claude reported " + (subtype.empty() ? std::string("an error") : subtype) : text;
  } else {
    auto kind = classify_error(stderr_tail + "\n" + m_last_text);
    if (kind != SessionOutcome::error) {
      result.outcome = kind;
      result.text = !stderr_tail.empty() ? stderr_tail : m_last_text;
    } else {
      result.outcome = support::process_end(process, "claude", "a result event", stderr_tail, result.text);
    }
  }
  result.text = support::with_advice(result.outcome, std::move(result.text), "ANTHROPIC_API_KEY");
  return result;
}

} // namespace claude_code
