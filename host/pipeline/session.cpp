#include "host/pipeline/session.hpp"

#include "host/agent/session.hpp"
#include "host/agent/transcript.hpp"
#include "host/services/secrets.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>

namespace fanout::pipeline {
namespace {

std::int64_t counted(const sdk::Usage& usage) { return usage.input + usage.output; }

std::string one_line(std::string text, size_t limit = 160) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (text.size() > limit) text = text.substr(0, limit - 3) + "...";
  return text;
}

std::atomic<std::uint64_t> g_session_counter{0};

} // namespace

std::string summarize_event(const sdk::AgentEvent& event) {
  switch (event.type) {
  case sdk::AgentEvent::Type::text: return one_line(event.text);
  case sdk::AgentEvent::Type::tool_use: return one_line("tool: " + event.tool + " " + event.detail);
  case sdk::AgentEvent::Type::tool_result: return one_line("result: " + event.text);
  case sdk::AgentEvent::Type::error: return one_line("error: " + event.text);
  case sdk::AgentEvent::Type::usage:
  case sdk::AgentEvent::Type::other: return "";
  }
  return "";
}

SessionRun run_session(sdk::AgentProvider& provider, sdk::SessionRequest request, const SessionContext& context,
                       const sdk::EventSink& forward, std::optional<sdk::CancelToken> cancel) {
  SessionRun run;
  RunMeter& meter = *context.meter;
  const std::string key = context.label + "#" + std::to_string(++g_session_counter);
  if (!meter.live(key, 0)) {
    run.over_budget = true;
    run.result = sdk::fail(sdk::FailureKind::cancelled, meter.reason());
    return run;
  }
  for (const auto& [name, value] : context.base_env) request.env.emplace(name, value);
  // Names the session's stage for the agent (docs/agents.md: the replay provider picks the
  // recording <FANOUT_ISSUE>/<FANOUT_STAGE>); a reviewer may have named its own ("review").
  request.env.emplace("FANOUT_STAGE", context.label);
  const double remaining = meter.remaining_cost();
  if (remaining > 0 && (request.max_cost_usd <= 0 || remaining < request.max_cost_usd)) request.max_cost_usd = remaining;

  // A remote runner's process runner lives as long as the session (it fetches the session's
  // commits into the worktree before the provider returns).
  std::unique_ptr<sdk::ProcessRunner> placed = context.place ? context.place(context.label) : nullptr;
  if (placed) request.process_runner = placed.get();

  // The transcript is agent::TranscriptWriter's format, which the replay provider reads back.
  auto opened = agent::TranscriptWriter::open(context.transcript, services::SecretRegistry::global());
  std::unique_ptr<agent::TranscriptWriter> transcript = opened.ok() ? std::move(*opened) : nullptr;
  sdk::CancelToken token = cancel ? context.scope->adopt(*cancel) : context.scope->child();
  std::atomic<bool> over{false};
  agent::SessionContext recorded;
  recorded.provider_name = context.provider;
  recorded.transcript = transcript.get();
  const auto& secrets = services::SecretRegistry::global();
  recorded.on_event = [&](const sdk::AgentEvent& original) {
    // Whatever the agent printed is redacted before anyone downstream sees it: the live view,
    // a reviewer that parses it, plan.md and the PR built from its text (docs/security.md).
    sdk::AgentEvent event = original;
    event.text = secrets.redact(event.text);
    event.detail = secrets.redact(event.detail);
    event.raw = secrets.redact(event.raw);
    if (event.type == sdk::AgentEvent::Type::usage && !meter.live(key, counted(event.usage))) {
      over = true;
      token.cancel();
    }
    if (forward) forward(event);
    if (context.on_event) {
      auto summary = summarize_event(event);
      if (!summary.empty()) context.on_event(summary);
    }
  };
  // agent::run_session writes the transcript (start, events, result or failure) and turns
  // an exception escaping the provider into a failure, as for `fanout agent run`.
  run.result = agent::run_session(provider, request, recorded, token);
  if (run.result.ok()) run.result->text = secrets.redact(run.result->text);
  else run.result = sdk::fail(run.result.failure().kind, secrets.redact(run.result.failure().message));
  if (run.result.ok()) {
    const auto& result = *run.result;
    if (!meter.settle(key, counted(result.usage), result.cost_usd.value_or(0))) over = true;
    if (result.outcome == sdk::SessionOutcome::budget) over = true;
  } else {
    meter.settle(key, 0, 0);
  }
  run.over_budget = over;
  return run;
}

sdk::Result<sdk::SessionResult> MeteredAgent::run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                                  const sdk::CancelToken& cancel) {
  return std::move(run_session(m_inner, request, m_context, on_event, cancel).result);
}

} // namespace fanout::pipeline
