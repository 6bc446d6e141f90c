// command: any agent CLI (aider, opencode, gemini, a script) from an argv template
// (docs/agents.md). Success is exit code 0; every output line is a text event.

#include "support/agent_outcome.hpp"
#include "support/cli_session.hpp"

#include <fanout/sdk/agent_outcome.hpp>
#include <fanout/sdk/plugin.hpp>
#include <fanout/sdk/prompt_text.hpp>

namespace command_agent {

using namespace fanout::sdk;
namespace support = fanout::support;

namespace {

/// Linux refuses to start a program with one argument longer than this (MAX_ARG_STRLEN,
/// 128 KiB with its terminating NUL).
constexpr size_t k_max_argument = 128 * 1024 - 1;

/// Replaces {prompt}, {prompt_file}, {model}, {workdir} and {system_prompt} in one argument.
std::string expand(const std::string& arg, const std::map<std::string, std::string>& values) {
  std::string out;
  for (size_t i = 0; i < arg.size();) {
    bool replaced = false;
    if (arg[i] == '{')
      for (const auto& [name, value] : values)
        if (arg.compare(i, name.size() + 2, "{" + name + "}") == 0) {
          out += value;
          i += name.size() + 2;
          replaced = true;
          break;
        }
    if (!replaced) out += arg[i++];
  }
  return out;
}

class CommandProvider final : public AgentProvider {
public:
  explicit CommandProvider(Host& host) : m_host(host) {}

  Result<SessionResult> run(const SessionRequest& request, const EventSink& on_event,
                            const CancelToken& cancel) override {
    const auto& config = m_host.config();
    auto templ = config.find("command");
    if (templ == config.end() || !templ->is_array() || templ->empty())
      return fail(FailureKind::invalid_input, "[agent.command] command: expected an argv template such as "
                                              "[\"aider\", \"--message\", \"{prompt}\"]");
    std::string model = support::session_model(request, config);
    std::map<std::string, std::string> values = {{"prompt", request.prompt},
                                                 {"model", model},
                                                 {"workdir", request.workdir.string()},
                                                 {"system_prompt", request.append_system_prompt}};
    // The prompt as a file for {prompt_file}, removed when the session ends.
    support::SessionFile prompt_file;
    if (templ->dump().find("{prompt_file}") != std::string::npos) {
      auto written =
          support::SessionFile::write(m_host.data_dir(), "prompt", ".md", request.prompt, "the prompt");
      if (!written.ok()) return std::move(written).failure();
      prompt_file = std::move(written).value();
      values["prompt_file"] = prompt_file.path().string();
    }
    ProcessSpec spec = support::session_process(request, config);
    for (const auto& item : *templ) {
      std::string arg = item.is_string() ? item.get<std::string>() : item.dump();
      // "--model", "{model}" with no model: drop both rather than pass an empty model.
      if (arg == "{model}" && model.empty()) {
        if (!spec.argv.empty() && spec.argv.back().rfind("-", 0) == 0) spec.argv.pop_back();
        continue;
      }
      spec.argv.push_back(expand(arg, values));
      if (spec.argv.back().size() > k_max_argument)
        return fail(FailureKind::invalid_input,
                    "the prompt makes argument \"" + arg + "\" " + human_size(spec.argv.back().size()) +
                        " long, more than one command-line argument may hold (128 KiB): use \"{prompt_file}\" "
                        "(a file holding the prompt) or prompt_on_stdin = true in [agent.command]");
    }
    if (config.value("prompt_on_stdin", false)) spec.stdin_data = request.prompt;

    auto process = support::session_runner(request, m_host).run(
        spec,
        [&](Stream stream, const std::string& line) {
          if (!on_event) return;
          AgentEvent event;
          event.type = stream == Stream::out ? AgentEvent::Type::text : AgentEvent::Type::other;
          event.text = line;
          event.detail = stream == Stream::out ? "" : "stderr";
          event.raw = line;
          on_event(event);
        },
        cancel);
    if (!process) return std::move(process).failure();

    SessionResult result;
    result.duration = process->duration;
    result.turns = 1;
    std::string out = process->out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    std::string err = process->err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    if (auto by_host = ended_by_host(*process, result.text)) {
      result.outcome = *by_host;
    } else if (process->signaled) {
      result.outcome = SessionOutcome::crashed;
      result.text = support::killed_by_signal("\"" + spec.argv[0] + "\"", process->signal);
    } else if (process->exit_code != 0) {
      result.outcome = SessionOutcome::error;
      result.text = "\"" + spec.argv[0] + "\" exited with code " + std::to_string(process->exit_code) +
                    (err.empty() ? "" : ": " + err.substr(err.size() > 2000 ? err.size() - 2000 : 0));
    } else {
      result.outcome = SessionOutcome::success;
      result.text = out;
    }
    return result;
  }

private:
  Host& m_host;
};

} // namespace

struct Plugin {
  static constexpr const char* name = "command";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "any agent CLI from an argv template ({prompt}, {model}, {workdir})";
  static constexpr Kind kinds[] = {Kind::agent_provider};
  static constexpr ConfigKey config_keys[] = {
      {.name = "command", .type = ConfigType::string_array,
       .doc = "argv template: [\"aider\", \"--yes\", \"--message\", \"{prompt}\"]; also {prompt_file}, {model}, {workdir}, " "{system_prompt}",
       .trust = Trust::trusted_only},
      {.name = "env", .type = ConfigType::string_map, .default_value = "{}",
       .doc = "extra environment variables", .trust = Trust::trusted_only},
      {.name = "model", .type = ConfigType::string, .doc = "model when the stage names none"},
      {.name = "prompt_on_stdin", .type = ConfigType::boolean, .default_value = "false",
       .doc = "also write the prompt to the command's stdin"},
  };
  static std::unique_ptr<AgentProvider> make_agent_provider(Host& host) {
    return std::make_unique<CommandProvider>(host);
  }
};

} // namespace command_agent

FANOUT_PLUGIN(command_agent::Plugin)
