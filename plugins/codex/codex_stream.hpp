#pragma once
// CodexStream: turns `codex exec --json` lines (wire-formats.md 2.2) into AgentEvents, and
// the finished process into a SessionResult.

#include "support/cli_session.hpp"

#include <fanout/sdk/agent_provider.hpp>
#include <fanout/sdk/agent_stream.hpp>
#include <fanout/sdk/process.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace codex {

namespace support = fanout::support;

/// One session's parser. Tolerant: unknown event and item types are `other` events; a line
/// that is not a JSON object is kept (as `other` with its raw text) and counted as garbage.
class CodexStream {
public:
  /// `before`: the thread's token totals when it last ended (zero for a new thread); events
  /// and the result report what this session added.
  explicit CodexStream(fanout::sdk::Usage before = {});
  void on_line(const std::string& line, const fanout::sdk::EventSink& sink);
  void on_stderr(const std::string& line);
  bool flooded() const { return m_garbage.flooded(); }
  /// The thread's totals from the last turn.completed, or nullopt when none arrived.
  std::optional<fanout::sdk::Usage> totals() const {
    return m_reported ? std::optional<fanout::sdk::Usage>(m_totals) : std::nullopt;
  }

  /// Success needs a turn.completed and no turn.failed; the exit status only explains a
  /// stream that stopped early. Timeout and cancel win.
  fanout::sdk::SessionResult finish(const fanout::sdk::ProcessResult& process) const;

private:
  void on_item(const std::string& phase, const nlohmann::json& item, std::vector<fanout::sdk::AgentEvent>& out);

  fanout::sdk::GarbageCounter m_garbage;
  std::string m_thread_id;
  std::string m_last_message;
  std::string m_failure;    ///< turn.failed's message
  std::string m_last_error; ///< the last `error` event (often transient)
  fanout::support::StderrTail m_stderr;
  bool m_completed = false;
  bool m_failed = false;
  int m_turns = 0;
  fanout::sdk::Usage m_before; ///< the thread's totals before this session
  fanout::sdk::Usage m_totals; ///< the thread's totals as last reported
  bool m_reported = false;
};

/// auth, rate_limited or error for a failure message ("401 Unauthorized", "429 Too Many
/// Requests", "529 overloaded"): plugins/support's classify_agent_error, shared with claude-code.
fanout::sdk::SessionOutcome classify_failure(const std::string& message);

} // namespace codex
