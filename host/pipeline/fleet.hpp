#pragma once
// Fleet: many runs at once under a bound. At most `parallel` runs execute at a time; one
// run's failure never stops the others; once the fleet budget is spent, runs not started
// yet end as `over_budget` without starting; after cancel() nothing new starts and running
// sessions are cancelled (each run records itself as `cancelled`).

#include "host/pipeline/budget.hpp"
#include "host/pipeline/cancel_scope.hpp"
#include "host/pipeline/pipeline.hpp"

#include <map>
#include <string>
#include <vector>

namespace fanout::pipeline {

struct FleetOptions {
  int parallel = 4;
  Limits run_limits;   ///< per run
  Limits fleet_limits; ///< all runs together
  RunMode mode = RunMode::full;
};

class Fleet {
public:
  /// `services`, `settings` and `observer` must outlive the Fleet; observer may be null.
  Fleet(const Services& services, const Settings& settings, FleetOptions options, Observer* observer);

  /// Runs every issue (in order of the list as slots free up) and returns each end state.
  /// Blocks until all have ended. Duplicate keys run once.
  std::map<std::string, RunState> run(const std::vector<std::string>& issues);

  /// Stops scheduling and cancels every running session. Thread-safe, idempotent, never blocks.
  void cancel() { m_scope.cancel(); }
  bool cancelled() const { return m_scope.cancelled(); }

  /// Highest number of runs that were executing at the same moment (for tests).
  int peak_parallel() const { return m_peak; }

private:
  const Services& m_services;
  const Settings& m_settings;
  FleetOptions m_options;
  Observer* m_observer;
  FleetBudget m_budget;
  CancelScope m_scope;
  int m_peak = 0;
};

} // namespace fanout::pipeline
