// [workspace] install and setup: commands run in a new workspace, with its env, output to its log.
#include "host/agent/agent_env.hpp"
#include "host/util/private_mode.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/workspace_manager.hpp"

#include <deque>
#include <fstream>
#include <mutex>

namespace fanout::workspace {
namespace fs = std::filesystem;

namespace {

constexpr size_t k_tail_lines = 10;

sdk::Failure failed(std::string message) { return sdk::fail(sdk::FailureKind::error, std::move(message)); }

/// Runs `commands` in order with `sh -c`; the first that fails, cannot start or is cancelled
/// is the failure, naming it as "<kind> command" (with the log and its last lines).
sdk::Result<void> run_commands(sdk::ProcessRunner& processes, const std::string& kind, const std::vector<std::string>& commands,
                  const sdk::ProcessSpec& base, std::ofstream& log, const std::string& log_shown,
                  const sdk::CancelToken& cancel) {
  for (const auto& command : commands) {
    if (cancel.cancelled()) return failed("cancelled before " + kind + " command \"" + command + "\"");
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
    if (!result.ok()) return failed(kind + " command \"" + command + "\" could not start: " + result.failure().message);
    if (result->cancelled) {
      log << "# cancelled\n";
      return failed(kind + " command \"" + command + "\" was cancelled (log: " + log_shown + ")");
    }
    if (result->signaled || result->exit_code != 0) {
      std::string message = kind + " command \"" + command + "\" " +
                            (result->signaled ? "was killed by signal " + std::to_string(result->signal)
                                              : "exited with code " + std::to_string(result->exit_code)) +
                            " (log: " + log_shown + ")";
      for (const auto& line : tail) message += "\n  " + line;
      log << "# failed\n";
      return failed(message);
    }
  }
  return {};
}

} // namespace

sdk::Result<void> WorkspaceManager::run_setup(const Record& record, const PortBlock& ports, const DepsReport& deps,
                                              const sdk::CancelToken& cancel) {
  const fs::path dir = m_settings.repo_root / ".fanout" / "workspaces" / directory_name(record.key);
  const fs::path log_path = dir / "setup.log";
  // Present from the moment dependencies are found not reused until they are installed. A
  // reuse dir that an interrupted or failed install left half-filled exists on the next `up`
  // and would look reused; this marker says it is not.
  const fs::path pending = dir / "install.pending";
  fs::create_directories(dir);
  util::private_dir(dir);
  const bool reused = deps.all_reused() && !fs::exists(pending);
  const auto& install = m_settings.workspace.install;
  const auto& setup = m_settings.workspace.setup;
  if ((reused || install.empty()) && setup.empty()) return {};
  if (!m_processes) return failed("[workspace] install and setup need a process runner, and none is available");
  if (!reused) std::ofstream(pending) << "[workspace] install has not finished; the next \"fanout up\" runs it again\n";

  util::private_file(log_path);
  std::ofstream log(log_path, std::ios::app);
  const std::string log_shown = relative_to(log_path, m_settings.repo_root);
  auto workspace_env = env_for(record, ports);
  // Kept for setups written before [workspace] install, which test it themselves:
  //   setup = ["test \"$FANOUT_DEPS_REUSED\" = 1 || npm ci --prefer-offline"]
  workspace_env["FANOUT_DEPS_REUSED"] = reused ? "1" : "0";
  // Like agents, these commands see only the allowlisted host variables, [agent] pass_env
  // and the workspace's own: no tracker or cloud tokens unless the config passes them.
  sdk::ProcessSpec spec{{}, record.path, agent::command_environment(workspace_env, m_settings.pass_env)};
  spec.replace_env = true;
  if (!reused && !install.empty()) {
    if (auto installed = run_commands(*m_processes, "install", install, spec, log, log_shown, cancel); !installed.ok())
      return installed;
    fs::remove(pending);
  }
  if (auto set_up = run_commands(*m_processes, "setup", setup, spec, log, log_shown, cancel); !set_up.ok()) return set_up;
  std::error_code ec;
  fs::remove(pending, ec); // without install, setup is what installs
  return {};
}

} // namespace fanout::workspace
