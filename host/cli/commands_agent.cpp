// `fanout agent run`: one agent session, for trying a provider setup (docs/agents.md).

#include "host/agent/agent_env.hpp"
#include "host/app/plugin_set.hpp"
#include "host/agent/result_json.hpp"
#include "host/agent/session.hpp"
#include "host/cli/commands.hpp"
#include "host/plugins/discovery.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/interrupt.hpp"
#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"

#include <cstdlib>
#include <iostream>
#include <mutex>

namespace fanout::cli {
namespace {

struct AgentRunOptions {
  std::string provider;
  std::string model;
  std::string workdir;
  std::string permission = "read_only";
  std::string transcript;
  double timeout_seconds = 0;
  bool json = false;
  std::string prompt;
};

sdk::Permission parse_permission(const std::string& text) {
  if (text == "read_only") return sdk::Permission::read_only;
  if (text == "edit") return sdk::Permission::edit;
  if (text == "full") return sdk::Permission::full;
  throw UserError("--permission: expected \"read_only\", \"edit\" or \"full\", got \"" + text + "\"", ExitCode::usage);
}

std::string first_line(const std::string& text, size_t limit = 160) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > limit ? line.substr(0, limit) + "..." : line;
}

/// One human-readable line per interesting event; usage and other events stay quiet.
/// Printed through the process's redactor, like everything the agent said.
void print_event(const sdk::AgentEvent& event) {
  using Type = sdk::AgentEvent::Type;
  const auto& secrets = services::SecretRegistry::global();
  switch (event.type) {
  case Type::text: std::cout << secrets.redact(event.text) << "\n"; break;
  case Type::tool_use: std::cout << "> " << event.tool << " " << first_line(secrets.redact(event.detail)) << "\n"; break;
  case Type::tool_result: std::cout << "< " << first_line(secrets.redact(event.text)) << "\n"; break;
  case Type::error: std::cout << "! " << secrets.redact(event.text) << "\n"; break;
  default: break;
  }
}

void print_result(const sdk::SessionResult& result) {
  bool ok = result.outcome == sdk::SessionOutcome::success;
  std::cout << (ok ? "ok" : "failed: " + std::string(sdk::to_string(result.outcome))) << " (" << result.turns
            << " turns, " << result.usage.input + result.usage.output << " tokens";
  if (result.cost_usd) std::cout << ", $" << *result.cost_usd;
  std::cout << ", " << result.duration.count() / 1000.0 << " s";
  if (!result.session_id.empty()) std::cout << ", session " << result.session_id;
  std::cout << ")\n";
  if (!ok) std::cout << services::SecretRegistry::global().redact(result.text) << "\n";
}

/// `agent run --workdir DIR` works from anywhere: without --repo, the config comes from the
/// repository around the current directory, else the one around DIR, else DIR alone (the
/// defaults and the user config; plugin data then goes to DIR/.fanout/data).
void choose_repo(Context& context, const AgentRunOptions& options) {
  if (!context.options.repo.empty() || options.workdir.empty()) return;
  std::error_code ec;
  const auto workdir = std::filesystem::absolute(options.workdir, ec);
  if (ec || !std::filesystem::is_directory(workdir, ec))
    throw UserError("--workdir: \"" + options.workdir + "\" is not a directory", ExitCode::usage);
  try {
    context.repo_root();
    return;
  } catch (const UserError&) {
  }
  for (auto dir = workdir; !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "fanout.toml", ec) || std::filesystem::exists(dir / ".git", ec)) {
      context.options.repo = dir.string();
      return;
    }
    if (dir == dir.root_path()) break;
  }
  context.options.repo = workdir.string();
}

void run_agent(Context& context, const AgentRunOptions& options) {
  choose_repo(context, options);
  const auto& config = context.config();
  const auto* record = context.plugins().find(options.provider);
  if (record && !(record->kinds & std::uint32_t(sdk::Kind::agent_provider)))
    throw UserError("plugin \"" + options.provider + "\" is not an agent provider", ExitCode::usage);

  sdk::CancelToken cancel;
  // Agents run in their own process groups, so the terminal's Ctrl-C never reaches them.
  services::InterruptGuard interrupts([&] {
    cancel.cancel();
    services::terminate_all();
  });
  services::LocalProcessRunner runner;
  plugins::HostServices services;
  services.processes = &runner;
  // A single session leaves nothing in the repository: the providers' files (temp schema
  // files, session totals) go to the user's data dir.
  std::filesystem::path data_root;
  if (auto plugin_dir = plugins::user_plugin_dir(::getenv)) data_root = plugin_dir->parent_path() / "agent-run";
  app::PluginSet plugins(config, context.plugins(), services, data_root);
  auto provider = plugins.agent(options.provider);
  if (!provider) throw UserError(provider.failure().message, ExitCode::usage);

  sdk::SessionRequest request;
  request.prompt = options.prompt;
  request.workdir = std::filesystem::absolute(options.workdir.empty() ? std::filesystem::current_path()
                                                                      : std::filesystem::path(options.workdir));
  request.env = agent::agent_environment({}, config.agent.pass_env);
  agent::register_credentials(request.env, *services.secrets);
  request.model = options.model;
  request.permission = parse_permission(options.permission);
  request.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));

  std::unique_ptr<agent::TranscriptWriter> transcript;
  if (!options.transcript.empty()) {
    auto opened = agent::TranscriptWriter::open(options.transcript, *services.secrets);
    if (!opened) throw UserError(opened.failure().message);
    transcript = std::move(*opened);
  }
  std::mutex print_mutex;
  agent::SessionContext session{options.provider, transcript.get(), [&](const sdk::AgentEvent& event) {
                                  std::lock_guard lock(print_mutex);
                                  if (!options.json) return print_event(event);
                                  auto line = agent::event_to_json(event);
                                  agent::redact_json(line, *services.secrets);
                                  std::cout << line.dump() << "\n" << std::flush;
                                }};
  auto result = agent::run_session(**provider, request, session, cancel);
  if (!result) throw UserError(result.failure().message); // redacted where it is printed
  if (options.json) {
    auto line = agent::result_to_json(*result);
    agent::redact_json(line, *services.secrets);
    std::cout << line.dump() << "\n";
  } else {
    print_result(*result);
  }
  if (interrupts.interrupted()) throw ExitRequest{ExitCode::interrupted};
  if (result->outcome != sdk::SessionOutcome::success) throw ExitRequest{ExitCode::failure};
}

} // namespace

void add_agent_commands(CLI::App& app, Context& context) {
  auto* agent = app.add_subcommand("agent", "Run agent sessions directly");
  agent->require_subcommand(1);
  auto options = std::make_shared<AgentRunOptions>();
  auto* run = agent->add_subcommand("run", "Run one agent session and print its events and result");
  run->add_option("--provider", options->provider, "Agent provider plugin (claude-code, codex, command, replay)")
      ->required();
  run->add_option("--model", options->model, "Model (default: the provider's)");
  run->add_option("--workdir", options->workdir, "Directory the agent works in (default: the current one)");
  run->add_option("--timeout", options->timeout_seconds, "Seconds before the agent's process group is killed")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--permission", options->permission, "read_only (default), edit or full");
  run->add_option("--transcript", options->transcript, "Also write the session's JSONL transcript to this file");
  run->add_flag("--json", options->json, "One JSON object per event, then the result object");
  run->add_option("prompt", options->prompt, "The prompt")->required();
  run->callback([&context, options] { run_agent(context, *options); });
}

} // namespace fanout::cli
