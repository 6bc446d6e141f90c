#include "codex_stream.hpp"

#include "support/agent_outcome.hpp"
#include "support/event_lines.hpp"
#include "support/json_access.hpp"

#include <fanout/sdk/session_totals.hpp>

#include <algorithm>

namespace codex {

using fanout::sdk::AgentEvent;
using fanout::sdk::SessionOutcome;
using nlohmann::json;
using namespace fanout::support;

namespace {

AgentEvent make(AgentEvent::Type type, std::string text, std::string tool = {}, std::string detail = {}) {
  AgentEvent e;
  e.type = type;
  e.text = std::move(text);
  e.tool = std::move(tool);
  e.detail = std::move(detail);
  return e;
}

} // namespace

SessionOutcome classify_failure(const std::string& message) { return support::classify_agent_error(message); }

CodexStream::CodexStream(fanout::sdk::Usage before) : m_before(before) {}

void CodexStream::on_line(const std::string& line, const fanout::sdk::EventSink& sink) {
  auto read = support::read_event_line(line, m_garbage);
  if (!read) return;
  const json& event = *read;
  std::vector<AgentEvent> out;
  if (event.is_null()) {
    out.push_back(make(AgentEvent::Type::other, "", "", "not a codex JSON event"));
  } else {
    const std::string type = event["type"];
    if (type == "thread.started") {
      m_thread_id = string_at(event, "thread_id");
      out.push_back(make(AgentEvent::Type::other, "thread " + m_thread_id + " started"));
    } else if (type.rfind("item.", 0) == 0 && event.contains("item") && event["item"].is_object()) {
      on_item(type.substr(5), event["item"], out);
    } else if (type == "turn.completed") {
      m_completed = true;
      ++m_turns;
      // The usage covers the whole thread, resumed parts included: one exec runs one turn,
      // so the last report is the thread's total, and this session's share is that total
      // minus the thread's total when it last ended (`m_before`).
      const json usage = event.value("usage", json::object());
      if (usage.is_object()) {
        std::int64_t cached = int_at(usage, "cached_input_tokens");
        m_totals.input = std::max<std::int64_t>(0, int_at(usage, "input_tokens") - cached);
        m_totals.cache_read = cached;
        m_totals.output = int_at(usage, "output_tokens");
        m_reported = true;
      }
      AgentEvent e = make(AgentEvent::Type::usage, "");
      e.usage = fanout::sdk::usage_increment(m_totals, m_before);
      out.push_back(std::move(e));
    } else if (type == "turn.failed") {
      m_failed = true;
      const json error = event.value("error", json::object());
      m_failure = error.is_object() ? string_at(error, "message") : "";
      if (m_failure.empty()) m_failure = "codex reported a failed turn";
      out.push_back(make(AgentEvent::Type::error, m_failure));
    } else if (type == "error") {
      m_last_error = string_at(event, "message");
      out.push_back(make(AgentEvent::Type::error, m_last_error));
    }
  }
  support::emit_events(std::move(out), line, sink);
}

void CodexStream::on_item(const std::string& phase, const json& item, std::vector<AgentEvent>& out) {
  const std::string type = string_at(item, "type");
  bool done = phase == "completed";
  if (type == "agent_message" && done) {
    m_last_message = string_at(item, "text");
    out.push_back(make(AgentEvent::Type::text, m_last_message));
  } else if (type == "reasoning" && done) {
    out.push_back(make(AgentEvent::Type::other, string_at(item, "text"), "", "reasoning"));
  } else if (type == "command_execution") {
    if (phase == "started") {
      out.push_back(make(AgentEvent::Type::tool_use, "", "command", string_at(item, "command")));
    } else if (done) {
      std::string status = string_at(item, "status");
      auto code = item.find("exit_code");
      std::string detail = "status " + status;
      if (code != item.end() && code->is_number_integer()) detail += ", exit code " + std::to_string(code->get<int>());
      const std::string output = string_at(item, "aggregated_output");
      out.push_back(make(AgentEvent::Type::tool_result, output, "command", detail));
    }
  } else if (type == "file_change" && done) {
    out.push_back(make(AgentEvent::Type::tool_use, "", "file_change", item.value("changes", json::array()).dump()));
  } else if (type == "mcp_tool_call") {
    std::string tool = string_at(item, "server") + "." + string_at(item, "tool");
    if (phase == "started") out.push_back(make(AgentEvent::Type::tool_use, "", tool, item.value("arguments", json()).dump()));
    else if (done) out.push_back(make(AgentEvent::Type::tool_result, item.value("result", json()).dump(), tool));
  } else if (type == "web_search" && phase == "started") {
    out.push_back(make(AgentEvent::Type::tool_use, "", "web_search", string_at(item, "query")));
  } else if (type == "error") {
    out.push_back(make(AgentEvent::Type::error, string_at(item, "message")));
  }
}

void CodexStream::on_stderr(const std::string& line) { m_stderr.add(line); }

fanout::sdk::SessionResult CodexStream::finish(const fanout::sdk::ProcessResult& process) const {
  fanout::sdk::SessionResult result;
  result.session_id = m_thread_id;
  result.usage = fanout::sdk::usage_increment(m_totals, m_before);
  result.turns = m_turns;
  result.duration = process.duration;
  result.garbage_lines = static_cast<int>(m_garbage.garbage());
  const std::string stderr_tail = m_stderr.text();

  if (auto early = ended_early(process, m_garbage, "codex output is not JSON events", "lines were not JSON",
                               result.text)) {
    result.outcome = *early;
  } else if (m_failed) {
    result.outcome = classify_failure(m_failure + "\n" + m_last_error);
    result.text = m_failure;
  } else if (m_completed) {
    result.outcome = SessionOutcome::success;
    result.text = m_last_message;
  } else if (!m_last_error.empty() && classify_failure(m_last_error) != SessionOutcome::error) {
    result.outcome = classify_failure(m_last_error);
    result.text = m_last_error;
  } else if (!process.signaled && process.exit_code != 0 && classify_failure(stderr_tail) != SessionOutcome::error) {
    // codex says what is wrong on stderr before any event ("Missing environment variable").
    result.outcome = classify_failure(stderr_tail);
    result.text = stderr_tail;
  } else {
    result.outcome = support::process_end(process, "codex", "completing a turn", stderr_tail, result.text);
    if (result.outcome == SessionOutcome::no_result) {
      result.text = m_last_error.empty() ? "codex's output ended without turn.completed" : m_last_error;
    }
  }
  result.text = support::with_advice(result.outcome, std::move(result.text), "OPENAI_API_KEY");
  return result;
}

} // namespace codex
