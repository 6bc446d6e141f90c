#pragma once
// The checks of a commit (check runs and commit statuses, as one list) and Actions job logs.

#include "api.hpp"

#include <fanout/sdk/code_host.hpp>

#include <string>
#include <vector>

namespace fanout::github {

/// Check runs (GET /commits/{sha}/check-runs) and commit statuses (GET /commits/{sha}/statuses),
/// all pages, the newest of each name. Ids: a GitHub Actions check run's id is its job id
/// ("123"); other check runs are "check-run/123", statuses "status/123" (neither has a log).
sdk::Result<std::vector<sdk::Check>> commit_checks(Api& api, const std::string& sha,
                                                   const sdk::CancelToken& cancel);

/// The last `max_bytes` of an Actions job's log, whole lines only; "" for a check without one.
sdk::Result<std::string> job_log_tail(Api& api, const sdk::Check& check, std::size_t max_bytes,
                                      const sdk::CancelToken& cancel);

} // namespace fanout::github
