#include "host/pipeline/fleet.hpp"

#include "host/util/bounded_pool.hpp"

#include <algorithm>
#include <mutex>
#include <set>

namespace fanout::pipeline {

Fleet::Fleet(const Services& services, const Settings& settings, FleetOptions options, Observer* observer)
    : m_services(services), m_settings(settings), m_options(options), m_observer(observer),
      m_budget(options.fleet_limits) {}

std::map<std::string, RunState> Fleet::run(const std::vector<std::string>& issues) {
  std::vector<std::string> queue;
  std::set<std::string> seen;
  for (const auto& issue : issues)
    if (seen.insert(issue).second) queue.push_back(issue);

  Pipeline pipeline(m_services, m_settings, m_budget, m_scope, m_observer);
  std::map<std::string, RunState> results;
  std::mutex mutex;
  int running = 0;

  auto record_unstarted = [&](const std::string& issue, RunState state, const std::string& why) {
    RunStore store(m_settings.db_path);
    store.begin(issue);
    store.set_state(issue, state, why);
    if (m_observer) m_observer->update({issue, "", state, 0, 0, why, true});
    std::lock_guard lock(mutex);
    results[issue] = state;
  };

  util::run_bounded(queue.size(), static_cast<size_t>(std::max(1, m_options.parallel)), [&](size_t i) {
    const auto& issue = queue[i];
    // Decided when a worker frees up, so that a Ctrl-C or a spent budget seen while waiting
    // keeps this run from starting.
    if (m_scope.cancelled()) {
      record_unstarted(issue, RunState::cancelled, "cancelled before it started (resume with: fanout resume " + issue + ")");
      return;
    }
    if (m_budget.exhausted()) {
      record_unstarted(issue, RunState::over_budget, "the fleet's budget was spent before this run started");
      return;
    }
    {
      std::lock_guard lock(mutex);
      ++running;
      m_peak = std::max(m_peak, running);
    }
    const RunState state = pipeline.run(issue, m_options.run_limits, m_options.mode);
    std::lock_guard lock(mutex);
    results[issue] = state;
    --running;
  });
  return results;
}

} // namespace fanout::pipeline
