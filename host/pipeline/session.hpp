#pragma once
// One agent session as the pipeline runs it: metered against the run's and the fleet's
// budgets (cancelled the moment streamed usage crosses a limit), cancellable with the
// fleet (Ctrl-C), and transcribed to `.fanout/runs/<issue>/<stage>.jsonl`, secrets redacted.

#include "host/pipeline/budget.hpp"
#include "host/pipeline/cancel_scope.hpp"

#include <fanout/sdk/agent_provider.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace fanout::pipeline {

struct SessionContext {
  std::string label;                  ///< "plan", "build", "fix-1", "review-scope-review"
  std::filesystem::path transcript;   ///< appended to (agent::TranscriptWriter's format)
  std::string provider;               ///< the provider's plugin name, for the transcript
  RunMeter* meter = nullptr;          ///< required
  CancelScope* scope = nullptr;       ///< required: the run's scope (fires on Ctrl-C)
  /// The agent environment allowlist ([agent] pass_env and the always-passed names). A
  /// request's own env (the workspace's) is laid over it: reviewers only know the workspace.
  std::map<std::string, std::string> base_env;
  /// One-line summaries of events for the live view ("tool: Edit src/app.py"). May be empty.
  std::function<void(const std::string& summary)> on_event;
  /// Where the session's process runs: given `label`, the process runner the provider gets as
  /// SessionRequest::process_runner, alive for the session; unset or nullptr: this machine.
  std::function<std::unique_ptr<sdk::ProcessRunner>(const std::string& label)> place;
};

struct SessionRun {
  sdk::Result<sdk::SessionResult> result = sdk::fail(sdk::FailureKind::error, "session did not run");
  bool over_budget = false; ///< a budget stopped it (or kept it from starting)
};

/// Runs `request` on `provider` under `context`. Caps request.max_cost_usd at what the
/// budgets leave. Events also go to `forward` when set. `cancel`, when given, is the token
/// the session runs with (adopted by the run's scope); else a fresh child of the scope.
/// Never throws for agent problems; they are in the result.
SessionRun run_session(sdk::AgentProvider& provider, sdk::SessionRequest request, const SessionContext& context,
                       const sdk::EventSink& forward = nullptr, std::optional<sdk::CancelToken> cancel = std::nullopt);

/// An agent provider that runs every session through run_session(): given to reviewers so
/// their agents count against the run's budget and leave a transcript too.
class MeteredAgent final : public sdk::AgentProvider {
public:
  MeteredAgent(sdk::AgentProvider& inner, SessionContext context) : m_inner(inner), m_context(std::move(context)) {}
  sdk::Result<sdk::SessionResult> run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                      const sdk::CancelToken& cancel) override;
  bool can_resume() const override { return m_inner.can_resume(); }

private:
  sdk::AgentProvider& m_inner;
  SessionContext m_context;
};

/// "text: ...", "tool: Edit", "error: ..." — one line, for progress displays.
std::string summarize_event(const sdk::AgentEvent& event);

} // namespace fanout::pipeline
