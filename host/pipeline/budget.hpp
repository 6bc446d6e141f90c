#pragma once
// Budgets: token and cost limits per run and for the whole fleet (all runs of one
// `fanout run`). Tokens are input + output tokens as the agents report them (cache reads
// and writes are not counted); cost is what the agents report in USD. Zero means no limit.
//
// A session reports its cumulative usage as it streams; the meter says when a limit is
// crossed so the session can be cancelled at once and the run stopped as `over_budget`.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace fanout::pipeline {

struct Limits {
  double max_cost_usd = 0;
  std::int64_t max_tokens = 0;
};

/// The fleet's totals. Thread-safe; shared by every RunMeter of one fleet.
class FleetBudget {
public:
  explicit FleetBudget(Limits limits = {}) : m_limits(limits) {}

  /// Records `run`'s usage in this process so far (replacing its previous figure).
  void report(const std::string& run, std::int64_t tokens, double cost_usd);
  /// True once the fleet's totals reached a limit.
  bool exhausted() const;
  std::int64_t tokens() const;
  double cost_usd() const;
  const Limits& limits() const { return m_limits; }

private:
  Limits m_limits;
  mutable std::mutex m_mutex;
  std::map<std::string, std::pair<std::int64_t, double>> m_by_run;
};

/// One run's usage: what earlier sessions used (including before a resume) plus the
/// session streaming now. Used from the run's threads (reviewers run in parallel), so
/// thread-safe.
class RunMeter {
public:
  RunMeter(std::string run, Limits limits, FleetBudget* fleet, std::int64_t prior_tokens = 0, double prior_cost = 0);

  /// A session's cumulative usage so far; `session` names it (several run at once during
  /// validation). Returns false once a run or fleet limit is exceeded.
  bool live(const std::string& session, std::int64_t tokens, double cost_usd = 0);
  /// The session ended: its final usage becomes permanent. Returns false when over.
  bool settle(const std::string& session, std::int64_t tokens, double cost_usd);

  /// True when a limit was exceeded; `reason()` says which.
  bool over() const;
  std::string reason() const;
  /// The cost left under the run and fleet limits, 0 when there is no cost limit.
  double remaining_cost() const;

  std::int64_t tokens() const;
  double cost_usd() const;
  /// Usage settled since the meter was made (what this process adds to the store).
  std::int64_t new_tokens() const;
  double new_cost_usd() const;

private:
  bool check_locked();
  std::string m_run;
  Limits m_limits;
  FleetBudget* m_fleet;
  std::int64_t m_prior_tokens;
  double m_prior_cost;
  mutable std::mutex m_mutex;
  std::int64_t m_settled_tokens = 0;
  double m_settled_cost = 0;
  std::map<std::string, std::pair<std::int64_t, double>> m_live;
  std::string m_reason;
};

} // namespace fanout::pipeline
