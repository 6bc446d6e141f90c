#pragma once
// Pipeline: one issue, from tracker to reviewed pull request.
//
//   fetch -> up -> plan -> [approve_plan] -> build -> publish -> validate -> (fix -> validate)* -> report
//
// Each stage's completion is recorded in the RunStore before the next starts; a run that is
// started again (`fanout resume`, `fanout approve`) skips what is recorded as done, finds
// the published PR by branch instead of opening a second one, and resumes the builder's
// agent session where the provider can.

#include "host/pipeline/budget.hpp"
#include "host/pipeline/cancel_scope.hpp"
#include "host/pipeline/follow_up.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/pipeline/services.hpp"

#include <string>

namespace fanout::pipeline {

enum class RunMode {
  full,          ///< every stage not yet done
  validate_only, ///< `fanout review`: forget earlier verdicts, one validation round + report
};

/// Thread-safe: one Pipeline serves every run of a fleet, each run() on its own thread.
class Pipeline {
public:
  /// Everything referenced must outlive the Pipeline. `observer` may be null.
  Pipeline(const Services& services, const Settings& settings, FleetBudget& fleet, CancelScope& scope,
           Observer* observer);

  /// Runs (or continues) the run of `issue` to its end state and records it. Never throws:
  /// an unexpected error ends the run as `failed` with the error's message.
  RunState run(const std::string& issue, const Limits& limits, RunMode mode = RunMode::full);

  /// `fanout watch`: resumes the builder of a published run with `request`'s findings,
  /// validates what it commits (fix rounds as in run()), pushes, and records the run's new
  /// state. Never throws. The caller holds the issue's run lock.
  FollowUpResult follow_up(const std::string& issue, const Limits& limits, const FollowUp& request);

  /// The folder of an issue's plan and transcripts: <runs_dir>/<issue key, '/' made '_'>.
  std::filesystem::path run_dir(const std::string& issue) const;

private:
  class Run;
  const Services& m_services;
  const Settings& m_settings;
  FleetBudget& m_fleet;
  CancelScope& m_scope;
  Observer* m_observer;
};

} // namespace fanout::pipeline
