#include "host/pipeline/session.hpp"

#include "host/services/secrets.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <mutex>
#include <optional>

namespace fanout::pipeline {
namespace {

const char* type_name(sdk::AgentEvent::Type type) {
  switch (type) {
  case sdk::AgentEvent::Type::text: return "text";
  case sdk::AgentEvent::Type::tool_use: return "tool_use";
  case sdk::AgentEvent::Type::tool_result: return "tool_result";
  case sdk::AgentEvent::Type::usage: return "usage";
  case sdk::AgentEvent::Type::error: return "error";
  case sdk::AgentEvent::Type::other: return "other";
  }
  return "other";
}

nlohmann::json usage_json(const sdk::Usage& usage) {
  return {{"input", usage.input}, {"output", usage.output}, {"cache_read", usage.cache_read},
          {"cache_write", usage.cache_write}};
}

std::int64_t counted(const sdk::Usage& usage) { return usage.input + usage.output; }

/// Appends redacted JSON lines; flushed per line so `fanout logs --follow` sees them.
class Transcript {
public:
  explicit Transcript(const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    m_out.open(path, std::ios::app);
  }
  void write(const nlohmann::json& json) {
    std::lock_guard lock(m_mutex);
    if (!m_out) return;
    m_out << services::SecretRegistry::global().redact(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
          << '\n';
    m_out.flush();
  }

private:
  std::mutex m_mutex;
  std::ofstream m_out;
};

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

  Transcript transcript(context.transcript);
  transcript.write({{"type", "session"},
                    {"stage", context.label},
                    {"model", request.model},
                    {"resume", request.resume_session_id},
                    {"prompt", request.prompt}});
  sdk::CancelToken token = cancel ? context.scope->adopt(*cancel) : context.scope->child();
  std::atomic<bool> over{false};
  auto on_event = [&](const sdk::AgentEvent& event) {
    nlohmann::json line{{"type", type_name(event.type)}};
    if (!event.text.empty()) line["text"] = event.text;
    if (!event.tool.empty()) line["tool"] = event.tool;
    if (!event.detail.empty()) line["detail"] = event.detail;
    if (event.type == sdk::AgentEvent::Type::usage) line["usage"] = usage_json(event.usage);
    transcript.write(line);
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
  run.result = provider.run(request, on_event, token);
  if (run.result.ok()) {
    const auto& result = *run.result;
    if (!meter.settle(key, counted(result.usage), result.cost_usd.value_or(0))) over = true;
    if (result.outcome == sdk::SessionOutcome::budget) over = true;
    transcript.write({{"type", "result"},
                      {"outcome", std::string(sdk::to_string(result.outcome))},
                      {"text", result.text},
                      {"session_id", result.session_id},
                      {"usage", usage_json(result.usage)},
                      {"cost_usd", result.cost_usd ? nlohmann::json(*result.cost_usd) : nlohmann::json(nullptr)},
                      {"turns", result.turns},
                      {"duration_ms", result.duration.count()}});
  } else {
    meter.settle(key, 0, 0);
    transcript.write({{"type", "failure"},
                      {"kind", std::string(sdk::to_string(run.result.failure().kind))},
                      {"message", run.result.failure().message}});
  }
  run.over_budget = over;
  return run;
}

sdk::Result<sdk::SessionResult> MeteredAgent::run(const sdk::SessionRequest& request, const sdk::EventSink& on_event,
                                                  const sdk::CancelToken& cancel) {
  return std::move(run_session(m_inner, request, m_context, on_event, cancel).result);
}

} // namespace fanout::pipeline
