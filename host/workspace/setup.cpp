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
}

void WorkspaceManager::run_setup(const Record& record, const PortBlock& ports, const DepsReport& deps,
                                 const sdk::CancelToken& cancel) {
  const fs::path log_path = m_settings.repo_root / ".fanout" / "workspaces" / directory_name(record.key) / "setup.log";
  fs::create_directories(log_path.parent_path());
  std::ofstream log(log_path, std::ios::app);
  if (!m_processes) throw UserError("[workspace] setup needs a process runner, and none is available");
  auto env = env_for(record, ports);
  // Lets a command skip a fresh install when every [workspace] reuse dir was reused:
  //   setup = ["test \"$FANOUT_DEPS_REUSED\" = 1 || npm ci --prefer-offline"]
  env["FANOUT_DEPS_REUSED"] = deps.all_reused() ? "1" : "0";
  for (const auto& command : m_settings.workspace.setup) {
    log << "$ " << command << '\n' << std::flush;
    std::deque<std::string> tail;
    std::mutex mutex;
    sdk::ProcessSpec spec{{"sh", "-c", command}, record.path, env};
    auto result = m_processes->run(
        spec,
        [&](sdk::Stream, const std::string& line) {
          std::lock_guard lock(mutex);
          log << line << '\n';
          tail.push_back(line);
          if (tail.size() > k_tail_lines) tail.pop_front();
        },
        cancel);
    log.flush();
    const std::string where = relative_to(log_path, m_settings.repo_root);
    if (!result.ok()) throw UserError("setup command \"" + command + "\" could not start: " + result.failure().message);
    if (result->cancelled) throw UserError("setup command \"" + command + "\" was cancelled");
    if (result->signaled || result->exit_code != 0) {
      std::string message = "setup command \"" + command + "\" " +
                            (result->signaled ? "was killed by signal " + std::to_string(result->signal)
                                              : "exited with code " + std::to_string(result->exit_code)) +
                            " (log: " + where + ")";
      for (const auto& line : tail) message += "\n  " + line;
      log << "# failed\n";
      throw UserError(message);
    }
  }
}

} // namespace fanout::workspace
