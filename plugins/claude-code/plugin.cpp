// claude-code: runs Claude Code in print mode with stream-json output (docs/agents.md).

#include "claude_args.hpp"
#include "claude_stream.hpp"

#include <fanout/sdk/plugin.hpp>

#include <csignal>

namespace claude_code {

using namespace fanout::sdk;

namespace {

/// Thrown from the line callback to stop the process at once (the runner kills the group).
struct StopSession {
  enum class Why { inline_command, flood } why;
};

class ClaudeProvider final : public AgentProvider {
public:
  explicit ClaudeProvider(Host& host) : m_host(host) {}

  bool can_resume() const override { return true; }

  Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                            const CancelToken& cancel) override {
    if (request.prompt.empty()) return fail(FailureKind::invalid_input, "the prompt is empty");
    EventSink sink = on_event ? on_event : [](const AgentEvent&) {};
    std::string prompt = request.prompt;
    auto command = slash_command_name(prompt);
    // A custom command that this claude does not expand (init does not list it) is
    // inlined from .claude/commands/<name>.md and the session restarted. init arrives
    // before any model call, so the first attempt costs nothing.
    for (int attempt = 0;; ++attempt) {
      ClaudeStream stream;
      auto spec = build_spec(request, m_host.config(), prompt);
      bool may_inline = attempt == 0 && command.has_value();
      auto on_line = [&](Stream which, const std::string& line) {
        if (which == Stream::err) return stream.on_stderr(line);
        bool was_initialized = stream.initialized();
        stream.on_line(line, sink);
        if (may_inline && !was_initialized && stream.initialized() && !stream.slash_commands().count(*command) &&
            inline_slash_command(prompt, request.workdir))
          throw StopSession{StopSession::Why::inline_command};
        if (stream.flooded()) throw StopSession{StopSession::Why::flood};
      };
      try {
        auto process = m_host.processes().run(spec, on_line, cancel);
        if (!process) return std::move(process).failure();
        return stream.finish(*process);
      } catch (const StopSession& stop) {
        if (stop.why == StopSession::Why::flood) {
          ProcessResult killed;
          killed.signaled = true;
          killed.signal = SIGKILL;
          return stream.finish(killed);
        }
        m_host.log(LogLevel::info, "\"/" + *command + "\" is not a slash command of this claude; inlining " +
                                       ".claude/commands/" + *command + ".md");
        prompt = *inline_slash_command(prompt, request.workdir);
      }
    }
  }

private:
  Host& m_host;
};

} // namespace

struct Plugin {
  static constexpr const char* name = "claude-code";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "Claude Code (claude -p, stream-json)";
  static constexpr ConfigKey config_keys[] = {
      {"command", ConfigType::string, "\"claude\"", "the claude executable: a name on PATH or a path", true},
      {"args", ConfigType::string_array, "[]", "extra arguments appended to every claude command line", true},
      {"env", ConfigType::string_map, "{}", "extra environment variables for claude", true},
      {"model", ConfigType::string, nullptr, "model when the stage names none (alias or full id)", false},
      {"allowed_tools", ConfigType::string_array, "[]", "tool rules added to --allowedTools of sessions that may edit (never to read-only plan and review sessions)", false},
      {"disallowed_tools", ConfigType::string_array, "[]", "tool rules added to --disallowedTools", false},
      {"bare", ConfigType::boolean, "false", "pass --bare: skip hooks, skills, MCP and CLAUDE.md discovery", false},
  };
  static std::unique_ptr<AgentProvider> make_agent_provider(Host& host) {
    return std::make_unique<ClaudeProvider>(host);
  }
};

} // namespace claude_code

FANOUT_PLUGIN(claude_code::Plugin)
