#pragma once
// The checks and effects behind the commands that act on a recorded run: `approve`,
// `resume`, `review` and `cancel`. The CLI commands and the dashboard's buttons call these,
// so both refuse the same cases with the same messages (UserError).

#include "host/pipeline/run_store.hpp"

#include <string>
#include <vector>

namespace fanout::app {

using pipeline::RunRecord;
using pipeline::RunStore;

/// The run of `issue` when it waits for plan approval; otherwise throws UserError
/// (`no run for issue "7"`, `run "7" is not waiting for plan approval (...)`).
RunRecord approvable(RunStore& store, const std::string& issue);

/// Records the plan of `issue` as approved (the stage `approve_plan` completed) in one
/// run-store operation that refuses, like approvable(), a run that does not wait for it.
/// The run continues when it is resumed (`fanout approve` does so).
RunRecord approve_plan(RunStore& store, const std::string& issue);

/// The runs `fanout resume` picks up. With no names: every run that is not finished
/// (done, or waiting for a human) and not driven by a live process. With names: each named run, or a UserError saying why it
/// cannot be resumed (unknown, driven by a live process, waiting for plan approval).
std::vector<std::string> resumable(RunStore& store, const std::vector<std::string>& named);

/// The run of `issue` when it has a workspace to review; otherwise throws UserError.
RunRecord reviewable(RunStore& store, const std::string& issue);

/// What cancel() did.
struct Cancelled {
  std::int64_t pid = 0;            ///< the fanout process that was asked to stop
  std::vector<std::string> others; ///< other running runs that process drives (they stop too)
};

/// Does to the process driving `issue` what Ctrl-C does: SIGINT, so it cancels its
/// agent sessions and records its runs as `cancelled` (resumable). Throws UserError when the
/// run is unknown, not running, or its process is gone or is not a fanout process.
Cancelled cancel(RunStore& store, const std::string& issue);

} // namespace fanout::app
