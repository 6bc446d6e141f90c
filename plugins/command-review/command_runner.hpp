#pragma once
// One shell command of command-review, run in the workspace through the host's process
// runner, with the tail of its combined output kept for the finding.

#include <fanout/sdk/host.hpp>
#include <fanout/sdk/reviewer.hpp>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace fanout::reviewers::command {

/// The last `max_lines` lines of a process's stdout and stderr, interleaved as they came.
/// Thread-safe (the app's output is collected on another thread).
class OutputTail {
public:
  explicit OutputTail(size_t max_lines) : m_max_lines(max_lines) {}
  void add(const std::string& line);
  /// The lines joined by newlines (no trailing one), after "[... N earlier lines]" when
  /// some were dropped.
  std::string text() const;

private:
  size_t m_max_lines;
  mutable std::mutex m_mutex;
  std::deque<std::string> m_lines;
  size_t m_dropped = 0;
};

/// The workspace environment for commands: ReviewRequest::workspace.env, plus PORT from
/// the leased ports when the env lacks it.
std::map<std::string, std::string> command_env(const sdk::WorkspaceInfo& workspace);

/// `sh -c <command>` in the worktree with the workspace env (over the host's environment).
sdk::ProcessSpec shell_spec(const std::string& command, const sdk::WorkspaceInfo& workspace,
                            std::chrono::milliseconds timeout);

/// How one command went.
struct CommandOutcome {
  std::string command;
  bool passed = false;
  std::string why;    ///< "exit code 1", "timed out after 10m", "killed by signal 9"; "" when passed
  std::string output; ///< OutputTail::text()
  std::chrono::milliseconds duration{0};
};

/// Runs `command`. Failure only when the shell cannot start or `cancel` fired.
sdk::Result<CommandOutcome> run_command(sdk::Host& host, const std::string& command, const sdk::WorkspaceInfo& workspace,
                                        std::chrono::milliseconds timeout, size_t tail_lines,
                                        const sdk::CancelToken& cancel);

/// "10m", "90s", "1500ms": a duration for messages.
std::string describe(std::chrono::milliseconds duration);

} // namespace fanout::reviewers::command
