#pragma once
// AgentProvider: runs one coding-agent session (Claude Code, Codex, any CLI) in a workspace.

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/process.hpp"
#include "fanout/sdk/result.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace fanout::sdk {

/// What the agent may do. Providers map it to their own flags.
enum class Permission {
  read_only, ///< read files, run read-only commands (reviewers)
  edit,      ///< edit files in the workdir and run commands there (builders)
  full,      ///< no sandbox at all; only when the user asked for it
};

/// Token counts. Providers report cumulative totals for the session so far.
struct Usage {
  std::int64_t input = 0;       ///< prompt tokens not served from the cache
  std::int64_t output = 0;      ///< tokens the model wrote
  std::int64_t cache_read = 0;  ///< prompt tokens read from the provider's prompt cache
  std::int64_t cache_write = 0; ///< prompt tokens written to the provider's prompt cache
};

/// One session to run.
struct SessionRequest {
  std::string prompt;            ///< the whole task, already rendered; never empty
  std::filesystem::path workdir; ///< where the agent works (the workspace's worktree)
  /// The agent's environment: the workspace env plus the configured allowlist. Providers
  /// pass it to the process runner as the complete environment (ProcessSpec::replace_env).
  std::map<std::string, std::string> env;
  std::string model;                 ///< "" means the provider's default
  Permission permission = Permission::read_only;
  std::string append_system_prompt;  ///< "" means none
  std::string resume_session_id;     ///< "" means a new session
  int max_turns = 0;                 ///< 0 means no limit
  double max_cost_usd = 0;           ///< 0 means no limit
  std::chrono::milliseconds timeout{0}; ///< 0 means no limit; the provider enforces it
  /// JSON Schema the final answer must follow (as text), or "" for free text. Providers
  /// with structured output use it; others put it in the prompt and the caller validates.
  std::string output_schema;
  /// Where the session's process runs: providers pass their ProcessSpec to this runner
  /// instead of Host::processes() when it is set (the host sets it when `[runner]` sends
  /// sessions elsewhere, e.g. to a Kubernetes Job). It honours the same contract as the
  /// host's process runner; the workdir it sees is `workdir`. Since ABI 3.0.
  ProcessRunner* process_runner = nullptr;
};

/// A normalized event, streamed while the session runs.
struct AgentEvent {
  /// What the event is; the fields below it fills are named with each.
  enum class Type {
    text,        ///< assistant text: `text`
    tool_use,    ///< the agent called a tool: `tool`, its input in `detail`
    tool_result, ///< what the tool returned: `text`
    usage,       ///< token counts so far: `usage`
    error,       ///< the agent or the CLI reported an error: `text`
    other,       ///< anything else the provider streams (kept in the transcript: `raw`)
  };
  Type type = Type::other;
  std::string text;   ///< assistant text, tool result text, or error message
  std::string tool;   ///< tool name for tool_use
  std::string detail; ///< tool input or other detail, compact JSON or text
  Usage usage;        ///< cumulative, for usage events
  std::string raw;    ///< the provider's original line, for the transcript
};

/// How the session ended.
enum class SessionOutcome {
  success,     ///< the agent finished its task and reported a final result
  error,        ///< the agent reported an error
  timeout,      ///< SessionRequest::timeout expired; the process group was killed
  max_turns,    ///< the turn limit was hit
  budget,       ///< the cost limit was hit
  auth,         ///< not logged in / key rejected
  rate_limited, ///< the provider's quota or rate limit stopped it
  crashed,      ///< the process died (signal, or a non-zero exit without a result)
  no_result,    ///< the stream ended without a final result
  cancelled,    ///< the cancel token fired
};

/// Lower-case name of an outcome ("max_turns"), stable for JSON.
constexpr std::string_view to_string(SessionOutcome outcome) noexcept {
  switch (outcome) {
  case SessionOutcome::success: return "success";
  case SessionOutcome::error: return "error";
  case SessionOutcome::timeout: return "timeout";
  case SessionOutcome::max_turns: return "max_turns";
  case SessionOutcome::budget: return "budget";
  case SessionOutcome::auth: return "auth";
  case SessionOutcome::rate_limited: return "rate_limited";
  case SessionOutcome::crashed: return "crashed";
  case SessionOutcome::no_result: return "no_result";
  case SessionOutcome::cancelled: return "cancelled";
  }
  return "error";
}

/// What a finished session produced, successful or not.
struct SessionResult {
  SessionOutcome outcome = SessionOutcome::no_result;
  std::string text;        ///< final answer, or the error message when not success
  std::string session_id;  ///< for resuming; "" when the provider has none
  Usage usage;
  std::optional<double> cost_usd; ///< when the agent reports it
  std::chrono::milliseconds duration{0};
  int turns = 0;
  int garbage_lines = 0;   ///< output lines that were not valid events (kept, not fatal)
};

/// Receives events on the thread that called `run`. Must not block for long.
using EventSink = std::function<void(const AgentEvent& event)>;

/// Runs agent sessions, many at once (one per thread). Thread-safe, like every kind: see docs/plugin-abi.md#threading.
class AgentProvider {
public:
  virtual ~AgentProvider() = default;

  /// Runs one session to the end. A session that ran but failed is a SessionResult with
  /// its outcome; Failure is only for not being able to start (executable missing: kind
  /// not_found with the path tried; invalid request: invalid_input).
  virtual Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                                    const CancelToken& cancel) = 0;

  /// Whether `resume_session_id` is honoured. Default: no.
  virtual bool can_resume() const { return false; }
};

} // namespace fanout::sdk
