// [workspace] setup: commands run in a new workspace, with its env, output to its log.
#include "host/util/error.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/workspace_manager.hpp"

#include <deque>
#include <fstream>
#include <mutex>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

constexpr size_t k_tail_lines = 10;

/// Runs `commands` in order with `sh -c`; the first that fails, cannot start or is cancelled
/// throws UserError naming it as "<kind> command" (with the log and its last lines).
void run_commands(sdk::ProcessRunner& processes, const std::string& kind, const std::vector<std::string>& commands,
                  const sdk::ProcessSpec& base, std::ofstream& log, const std::string& log_shown,
                  const sdk::CancelToken& cancel) {
  for (const auto& command : commands) {
    if (cancel.cancelled()) throw UserError("cancelled before " + kind + " command \"" + command + "\"");
    log << "$ " << command << '\n' << std::flush;
    std::deque<std::string> tail;
    std::mutex mutex;
    sdk::ProcessSpec spec = base;
    spec.argv = {"sh", "-c", command};
    auto result = processes.run(
        spec,
        [&](sdk::Stream, const std::string& line) {
          std::lock_guard lock(mutex);
          log << line << '\n';
          tail.push_back(line);
          if (tail.size() > k_tail_lines) tail.pop_front();
        },
        cancel);
    log.flush();
    if (!result.ok()) throw UserError(kind + " command \"" + command + "\" could not start: " + result.failure().message);
    if (result->cancelled) {
      log << "# cancelled\n";
      throw UserError(kind + " command \"" + command + "\" was cancelled (log: " + log_shown + ")");
    }
    if (result->signaled || result->exit_code != 0) {
      std::string message = kind + " command \"" + command + "\" " +
                            (result->signaled ? "was killed by signal " + std::to_string(result->signal)
                                              : "exited with code " + std::to_string(result->exit_code)) +
                            " (log: " + log_shown + ")";
      for (const auto& line : tail) message += "\n  " + line;
      log << "# failed\n";
      throw UserError(message);
    }
  }
}

} // namespace

void WorkspaceManager::run_setup(const Record& record, const PortBlock& ports, const DepsReport& deps,
                                 const sdk::CancelToken& cancel) {
  const fs::path log_path = m_settings.repo_root / ".fanout" / "workspaces" / directory_name(record.key) / "setup.log";
  fs::create_directories(log_path.parent_path());
  std::ofstream log(log_path, std::ios::app);
  if (!m_processes) throw UserError("[workspace] setup needs a process runner, and none is available");
  const std::string log_shown = relative_to(log_path, m_settings.repo_root);
  sdk::ProcessSpec spec{{}, record.path, env_for(record, ports)};
  // Lets a command skip a fresh install when every [workspace] reuse dir was reused:
  //   setup = ["test \"$FANOUT_DEPS_REUSED\" = 1 || npm ci --prefer-offline"]
  spec.env["FANOUT_DEPS_REUSED"] = deps.all_reused() ? "1" : "0";
  run_commands(*m_processes, "setup", m_settings.workspace.setup, spec, log, log_shown, cancel);
}

} // namespace fanout::workspace
