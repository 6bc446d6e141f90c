#include "command_runner.hpp"

namespace fanout::reviewers::command {

void OutputTail::add(const std::string& line) {
  std::lock_guard lock(m_mutex);
  m_lines.push_back(line);
  if (m_lines.size() > m_max_lines) {
    m_lines.pop_front();
    ++m_dropped;
  }
}

std::string OutputTail::text() const {
  std::lock_guard lock(m_mutex);
  std::string out;
  if (m_dropped > 0) out = "[... " + std::to_string(m_dropped) + " earlier lines]";
  for (const auto& line : m_lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

std::map<std::string, std::string> command_env(const sdk::WorkspaceInfo& workspace) {
  auto env = workspace.env;
  if (!env.count("PORT") && !workspace.ports.empty()) env["PORT"] = std::to_string(workspace.ports[0]);
  return env;
}

sdk::ProcessSpec shell_spec(const std::string& command, const sdk::WorkspaceInfo& workspace,
                            std::chrono::milliseconds timeout) {
  sdk::ProcessSpec spec;
  spec.argv = {"sh", "-c", command};
  spec.workdir = workspace.path;
  spec.env = command_env(workspace);
  spec.timeout = timeout;
  spec.keep_bytes = 64 * 1024; // the tail we keep is line-based; this bounds memory only
  return spec;
}

std::string describe(std::chrono::milliseconds duration) {
  auto ms = duration.count();
  if (ms % 3600000 == 0 && ms > 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0 && ms > 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + "s";
}

sdk::Result<CommandOutcome> run_command(sdk::Host& host, const std::string& command, const sdk::WorkspaceInfo& workspace,
                                        std::chrono::milliseconds timeout, size_t tail_lines,
                                        const sdk::CancelToken& cancel) {
  OutputTail tail(tail_lines);
  auto result = host.processes().run(shell_spec(command, workspace, timeout),
                                     [&](sdk::Stream, const std::string& line) { tail.add(line); }, cancel);
  if (!result.ok()) return std::move(result).failure();
  if (result->cancelled) return sdk::fail(sdk::FailureKind::cancelled, "review cancelled while running \"" + command + "\"");
  CommandOutcome outcome;
  outcome.command = command;
  outcome.output = tail.text();
  outcome.duration = result->duration;
  if (result->timed_out) outcome.why = "timed out after " + describe(timeout);
  else if (result->signaled) outcome.why = "killed by signal " + std::to_string(result->signal);
  else if (result->exit_code != 0) outcome.why = "exit code " + std::to_string(result->exit_code);
  outcome.passed = outcome.why.empty();
  return outcome;
}

} // namespace fanout::reviewers::command
