#pragma once
// What `fanout watch` does once its arguments are checked: the real outside world
// (app::Environment), the orphans of a killed fanout ended, then the watch loop
// (host/watch/watcher.hpp) under a services::InterruptGuard until Ctrl-C, with run ends
// turned into notifications (notify::RunEvents). The CLI prints its lines and sets the exit
// code.

#include "host/config/config.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace fanout::plugins {
class Registry;
}

namespace fanout::app {

struct WatchRequest {
  bool once = false; ///< one pass, then return (cron, tests)
  int parallel = 0;  ///< runs acted on at once; 0: [run] parallel
};

struct WatchOutput {
  /// One line per step ("[7] ci: failing checks: build (failure) (round 1 of 2)"); may be empty.
  /// Called from several threads, one line at a time.
  std::function<void(const std::string& line)> line;
};

struct WatchOutcome {
  bool interrupted = false; ///< a first Ctrl-C (or SIGTERM) ended the watch
};

/// The watch of the repository at `repo_root`. Throws UserError, before the loop starts,
/// when a plugin cannot be made. One run's trouble is a note, never an exception.
WatchOutcome watch_prs(const std::filesystem::path& repo_root, const config::Config& config,
                       const plugins::Registry& registry, const WatchRequest& request, const WatchOutput& output);


} // namespace fanout::app
