#pragma once
// The dashboard's data, as JSON: the fleet (every run) and one run in depth. Read from the
// state store and the run folders, like `fanout status`; never writes. Every string is
// passed through the process-wide redactor before it leaves (see redacted()).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace fanout::serve {

/// The budgets of [run], shown beside the fleet's totals; zero means no limit.
struct Budget {
  std::int64_t max_tokens = 0;
  double max_cost_usd = 0;
  std::int64_t fleet_max_tokens = 0;
  double fleet_max_cost_usd = 0;
};

/// {runs: [status_json + {elapsed_s, updated_at, round}], totals: {runs, tokens, cost_usd,
/// states: {state: count}}, budget: {...}}
nlohmann::json fleet_json(const std::filesystem::path& repo_root, const Budget& budget);

/// {run, issue, plan, workspace: {path, branch, base, ports, database_url (password
/// masked), state}, stages, rounds: [{round, reviews}], transcripts: [stage names]}, or
/// nullopt when the issue has no run.
std::optional<nlohmann::json> run_json(const std::filesystem::path& repo_root, const std::string& issue);

/// The change the run's branch makes since it left its base (`git diff base...HEAD` in its
/// worktree, as the reviewers see it), at most `max_bytes`; or a sentence saying why not.
std::string run_diff(const std::filesystem::path& repo_root, const std::string& issue, size_t max_bytes = 2u << 20);

/// `value` with every registered secret and URL password masked in every string.
nlohmann::json redacted(nlohmann::json value);

} // namespace fanout::serve
