#pragma once
// ProcessRunner: the host's process service. Plugins never fork/exec themselves, so that a
// future runner (a container, a cluster job) can replace local processes without plugin changes.

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/line_callback.hpp"
#include "fanout/sdk/result.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fanout::sdk {

/// What to run. `argv[0]` is looked up on the PATH of `env` (or the host's PATH) unless it
/// contains a slash. Nothing goes through a shell.
struct ProcessSpec {
  std::vector<std::string> argv;
  std::filesystem::path workdir;
  /// The complete environment of the child when `replace_env` is true; otherwise these
  /// entries are added to (and override) the host's environment minus its secrets. Either
  /// way the host adds FANOUT_PROCESS_TAG, which everything the child starts inherits: that
  /// is how the host finds and stops them when the child ends (docs/agents.md).
  std::map<std::string, std::string> env;
  bool replace_env = false;
  /// Bytes written to stdin, which is then closed. Without it stdin is /dev/null.
  std::optional<std::string> stdin_data;
  /// Zero means no limit. On expiry the whole process group, and every process the child
  /// started (in its own session or reparented included), gets SIGTERM, then SIGKILL after
  /// `kill_grace`.
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds kill_grace{3000};
  /// Keep at most this many bytes of each stream in ProcessResult (the callback still
  /// sees every line). Older output is dropped from the front.
  size_t keep_bytes = 1 << 20;
};

/// How the process ended.
struct ProcessResult {
  int exit_code = -1;       ///< valid when !signaled
  int signal = 0;           ///< the terminating signal when signaled
  bool signaled = false;
  bool timed_out = false;   ///< the host killed it because `timeout` expired
  bool cancelled = false;   ///< the host killed it because the cancel token fired
  bool stopped = false;     ///< the line callback returned LineAction::stop (the host then
                            ///< stopped the process, unless it had ended already)
  std::string out;          ///< tail of stdout (see keep_bytes)
  std::string err;          ///< tail of stderr
  std::chrono::milliseconds duration{0};
};

/// Runs processes in their own process group and reaps them; never leaves zombies, and
/// nothing a child started outlives it.
/// Thread-safe: many sessions run at once, each on its own thread.
class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;

  /// Blocks until the process group's leader exits, its timeout fires, `cancel` fires or
  /// `on_line` returns LineAction::stop (the last three kill the group). Fails only when the process could not be started
  /// (FailureKind::not_found for a missing executable, with its name in the message).
  virtual Result<ProcessResult> run(const ProcessSpec& spec, const LineCallback& on_line,
                                    const CancelToken& cancel) = 0;
};

} // namespace fanout::sdk
