// claude-code: runs Claude Code in print mode with stream-json output (docs/agents.md).

#include "claude_args.hpp"
#include "claude_stream.hpp"
#include "support/cli_session.hpp"

#include <fanout/sdk/plugin.hpp>
#include <fanout/sdk/session_totals.hpp>

#include <algorithm>

#include <unistd.h>

namespace claude_code {

using namespace fanout::sdk;

namespace {

/// Why the plugin stopped a session from its output (the line callback returns
/// LineAction::stop and the host stops the process).
enum class Stop { none, inline_command, flood, max_turns };

class ClaudeProvider final : public AgentProvider {
public:
  explicit ClaudeProvider(Host& host) : m_host(host) {}

  bool can_resume() const override { return true; }

  Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                            const CancelToken& cancel) override {
    if (request.prompt.empty()) return fail(FailureKind::invalid_input, "the prompt is empty");
    EventSink sink = on_event ? on_event : [](const AgentEvent&) {};
    if (auto why = refusal(request, build_spec(request, m_host.config(), request.prompt).env, geteuid()))
      return fail(FailureKind::unsupported, *why);
    std::string prompt = request.prompt;
    auto command = slash_command_name(prompt);
    // A custom command that this claude does not expand (init does not list it) is
    // inlined from .claude/commands/<name>.md and the session restarted. init arrives
    // before any model call, so the first attempt costs nothing.
    for (int attempt = 0;; ++attempt) {
      ClaudeStream stream;
      auto spec = build_spec(request, m_host.config(), prompt);
      bool may_inline = attempt == 0 && command.has_value();
      // The attempt that may be stopped to inline the command must end before its first model
      // call: no grace after the stop (given SIGTERM first, the real claude still sent that
      // call). A cancel or timeout during this attempt kills at once too.
      if (may_inline) spec.kill_grace = std::chrono::milliseconds(0);
      Stop stop = Stop::none;
      auto on_line = [&](Stream which, const std::string& line) {
        if (which == Stream::err) {
          stream.on_stderr(line);
          return LineAction::keep;
        }
        bool was_initialized = stream.initialized();
        stream.on_line(line, sink);
        if (may_inline && !was_initialized && stream.initialized() && !stream.slash_commands().count(*command) &&
            inline_slash_command(prompt, request.workdir))
          stop = Stop::inline_command;
        else if (stream.flooded()) stop = Stop::flood;
        // claude's own --max-turns is hidden from its --help: the limit is kept here.
        else if (request.max_turns > 0 && stream.turns() > request.max_turns) stop = Stop::max_turns;
        return stop == Stop::none ? LineAction::keep : LineAction::stop;
      };
      auto process = support::session_runner(request, m_host).run(spec, on_line, cancel);
      if (!process) return std::move(process).failure();
      if (stop == Stop::none) return own_increment(request, stream.finish(*process), stream.total_cost());
      if (stop == Stop::flood) return stream.finish(*process);
      if (stop == Stop::max_turns) {
        auto result = stream.finish(*process);
        result.outcome = SessionOutcome::max_turns;
        result.text = "stopped after " + std::to_string(request.max_turns) + " turns (the session's turn limit)";
        return result;
      }
      m_host.log(LogLevel::info, "\"/" + *command + "\" is not a slash command of this claude; inlining " +
                                     ".claude/commands/" + *command + ".md");
      prompt = *inline_slash_command(prompt, request.workdir);
    }
  }

private:
  /// claude's total_cost_usd covers the whole conversation across --resume: the cost this
  /// session added is the total minus what the conversation had cost when it last ended
  /// (recorded per session id in the plugin's data dir). Tokens (`usage`) are per call.
  SessionResult own_increment(const SessionRequest& request, SessionResult result, std::optional<double> total) {
    if (!total) return result;
    double before = 0;
    if (!request.resume_session_id.empty())
      if (auto recorded = load_session_totals(m_host.data_dir(), request.resume_session_id))
        before = recorded->cost_usd;
    result.cost_usd = std::max(0.0, *total - before);
    SessionTotals totals;
    totals.cost_usd = *total;
    save_session_totals(m_host.data_dir(), result.session_id, totals);
    return result;
  }

  Host& m_host;
};

} // namespace

struct Plugin {
  static constexpr const char* name = "claude-code";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "Claude Code (claude -p, stream-json)";
  static constexpr Kind kinds[] = {Kind::agent_provider};
  static constexpr const char* program = "claude"; // fanout doctor checks it is on PATH
  static constexpr const char* install_hint = "npm install -g @anthropic-ai/claude-code";
  static constexpr ConfigKey config_keys[] = {
      {.name = "command", .type = ConfigType::string, .default_value = "\"claude\"",
       .doc = "the claude executable: a name on PATH or a path", .trust = Trust::trusted_only},
      {.name = "args", .type = ConfigType::string_array, .default_value = "[]",
       .doc = "extra arguments appended to every claude command line", .trust = Trust::trusted_only},
      {.name = "env", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "extra environment variables for claude", .trust = Trust::trusted_only},
      {.name = "model", .type = ConfigType::string,
       .doc = "model when the stage names none (alias or full id)"},
      {.name = "allowed_tools", .type = ConfigType::string_array, .default_value = "[]",
       .doc = "tool rules added to --allowedTools of sessions that may edit (never to read-only plan and review sessions)"},
      {.name = "disallowed_tools", .type = ConfigType::string_array, .default_value = "[]",
       .doc = "tool rules added to --disallowedTools"},
      {.name = "bare", .type = ConfigType::boolean, .default_value = "false",
       .doc = "pass --bare: skip hooks, skills, MCP and CLAUDE.md discovery"},
  };
  static std::unique_ptr<AgentProvider> make_agent_provider(Host& host) {
    return std::make_unique<ClaudeProvider>(host);
  }
};

} // namespace claude_code

FANOUT_PLUGIN(claude_code::Plugin)
