#pragma once
// ClaudeStream: turns Claude Code's stream-json lines (wire-formats.md 1.3-1.5) into
// normalized AgentEvents, and the finished process into a SessionResult.

#include "support/cli_session.hpp"

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/agent_stream.hpp>
#include <fanout/sdk/process.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace claude_code {

namespace support = fanout::support;

/// One session's parser. Tolerant: unknown types and keys are ignored, a line that is not
/// a JSON object is an `other` event carrying the raw line and counts as garbage.
class ClaudeStream {
public:
  /// Parses one stdout line and hands its events to `sink` (the first carries `raw`).
  void on_line(const std::string& line, const fanout::sdk::EventSink& sink);
  /// Notes one stderr line (auth messages arrive there when there is no stream at all).
  void on_stderr(const std::string& line);

  /// True once system/init arrived.
  bool initialized() const { return m_initialized; }
  /// init's slash_commands (names without the leading slash).
  const std::set<std::string>& slash_commands() const { return m_slash_commands; }
  bool flooded() const { return m_garbage.flooded(); }
  /// Distinct assistant messages so far (each is one model call, a turn).
  int turns() const { return m_turns; }
  /// The result event's cost (total_cost_usd, or older cost_usd/total_cost): for the whole
  /// conversation, resumed parts included. nullopt without a result or a cost in it.
  std::optional<double> total_cost() const;

  /// The outcome: the result event decides (is_error, subtype); no result is no_result;
  /// the exit status only explains a missing result (crashed). Timeout and cancel win.
  /// cost_usd is total_cost(): the caller turns it into this session's increment.
  fanout::sdk::SessionResult finish(const fanout::sdk::ProcessResult& process) const;

private:
  void on_assistant(const nlohmann::json& event, std::vector<fanout::sdk::AgentEvent>& out);
  void on_user(const nlohmann::json& event, std::vector<fanout::sdk::AgentEvent>& out);
  fanout::sdk::SessionOutcome classify_error(const std::string& text) const;

  fanout::sdk::GarbageCounter m_garbage;
  bool m_initialized = false;
  std::set<std::string> m_slash_commands;
  std::string m_session_id;
  std::string m_last_text;
  std::string m_api_error;  ///< assistant `error` field, e.g. "authentication_failed"
  bool m_rate_rejected = false;
  fanout::support::StderrTail m_stderr;
  std::set<std::string> m_message_ids;
  fanout::sdk::Usage m_usage; ///< summed over distinct assistant messages
  int m_turns = 0;
  std::optional<nlohmann::json> m_result;
};

/// Text of a tool_result `content`: a string, or the text blocks of an array joined.
std::string content_text(const nlohmann::json& content);

} // namespace claude_code
