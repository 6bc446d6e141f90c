#pragma once
// What `fanout run`, `resume`, `approve` and `review` do once their arguments are checked: the
// issues to run and their run locks, the end of what a killed fanout left running, then the
// fleet with the live view, notifications and Ctrl-C handling. A use case the CLI calls and
// the tests drive without the binary; the CLI prints the summary and sets the exit code.

#include "host/config/config.hpp"
#include "host/pipeline/pipeline.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace fanout::plugins {
class Registry;
}

namespace fanout::app {

struct FleetRequest {
  std::vector<std::string> keys; ///< the issues named (may be empty when `label` is set)
  std::string label;             ///< also every open issue with this label; empty: none
  int parallel = 0;              ///< runs at once; 0: [run] parallel
  pipeline::RunMode mode = pipeline::RunMode::full;
};

/// Where the use case speaks while it works. Both may be empty (quiet).
struct FleetOutput {
  /// The live view's stream; nullptr: no live view.
  std::ostream* view = nullptr;
  /// Redraw the live view in place (a terminal); else one plain line per change.
  bool tty = false;
  /// One line per process a killed fanout left running that was ended first
  /// ("ended agent 4242 of run \"7\" ...", state::describe); may be empty.
  std::function<void(const std::string& line)> notice;
};

struct FleetOutcome {
  std::map<std::string, pipeline::RunState> results; ///< one per issue that ran
  /// A first Ctrl-C (or SIGTERM) stopped the fleet: its runs are cancelled, resumable, and
  /// no fleet_done notification was sent.
  bool interrupted = false;
  /// Runs that did not end `done`.
  std::size_t not_done() const;
};

/// Runs `request` in the repository at `repo_root` with `config` and the plugins of
/// `registry`: the issues (app::issues_to_run), one run lock each (app::lock_runs, held
/// until the fleet ends), orphans of a killed fanout ended (state::end_orphans), then one
/// pipeline::Fleet under a services::InterruptGuard, its progress shown by a
/// pipeline::LiveView on `output.view` and turned into notifications (notify::RunEvents).
/// Throws UserError, before any run starts, for a plugin that cannot be made
/// (app::Environment), no issues to run, or an issue another live fanout runs: each ends the
/// command. A run's own failure is a result, never an exception.
FleetOutcome run_fleet(const std::filesystem::path& repo_root, const config::Config& config,
                       const plugins::Registry& registry, const FleetRequest& request, const FleetOutput& output);

} // namespace fanout::app
