#pragma once
// The phases of a run as its tracker issue sees them, and which phase a run's record is in.
// `[write_back]` maps each phase to a tracker state and a label (docs/config.md#tracker-write-back).

#include "host/pipeline/run_store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::writeback {

enum class Phase {
  in_progress, ///< a run works on the issue
  in_review,   ///< its pull request passed fanout's reviewers and waits for people
  needs_human, ///< fanout stopped and a person acts next (bounds, a failed reviewer, the plan gate)
  failed,      ///< the run failed or went over budget; `fanout resume` continues it
  done,        ///< the pull request was merged (written by `fanout watch`)
};

/// "in_progress", "in_review", "needs_human", "failed", "done".
std::string_view to_string(Phase phase) noexcept;
/// The phase called `name`, or nullopt.
std::optional<Phase> parse_phase(std::string_view name) noexcept;
/// Every phase, in the order above.
const std::vector<Phase>& all_phases();

/// The phase of a run as `record` says: running -> in_progress, done -> in_review,
/// needs_human -> needs_human, failed and over_budget -> failed, merged -> done; nullopt
/// for a cancelled run (it is resumed, not reported) and a closed one (nothing was done).
std::optional<Phase> phase_of(const pipeline::RunRecord& record) noexcept;

} // namespace fanout::writeback
