#pragma once
// One validation round: every configured reviewer, freshly made, reviews the change at
// once (one thread each). A reviewer that fails or throws is recorded as a failure, never
// as a verdict.

#include "host/pipeline/run_types.hpp"
#include "host/pipeline/services.hpp"
#include "host/pipeline/session.hpp"

#include <memory>
#include <vector>

namespace fanout::pipeline {

struct ValidationRound {
  std::vector<ReviewOutcome> outcomes; ///< in [[review]] order
  std::string failure; ///< the reviewers could not be made at all ("" when they were)
};

/// Makes fresh reviewers with `make`, wraps the agents they ask for with MeteredAgent
/// (transcripts `review-<name>.jsonl` in `run_dir`), and runs them in parallel on `request`.
ValidationRound run_reviewers(const ReviewerFactory& make, const sdk::ReviewRequest& request,
                              const SessionContext& base_context, const std::filesystem::path& run_dir,
                              std::chrono::milliseconds timeout);

} // namespace fanout::pipeline
