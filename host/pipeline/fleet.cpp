#include "host/pipeline/fleet.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

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
  std::condition_variable slot_freed;
  int running = 0;
  const int parallel = std::max(1, m_options.parallel);
  std::vector<std::thread> threads;

  auto record_unstarted = [&](const std::string& issue, RunState state, const std::string& why) {
    RunStore store(m_settings.db_path);
    store.begin(issue);
    store.set_state(issue, state, why);
    if (m_observer) m_observer->update({issue, "", state, 0, 0, why, true});
    std::lock_guard lock(mutex);
    results[issue] = state;
  };

  for (const auto& issue : queue) {
    {
      std::unique_lock lock(mutex);
      slot_freed.wait(lock, [&] { return running < parallel; });
    }
    // Decided after a slot frees, so that a Ctrl-C or a spent budget seen while waiting
    // keeps this run from starting.
    if (m_scope.cancelled()) {
      record_unstarted(issue, RunState::cancelled, "cancelled before it started (resume with: fanout resume " + issue + ")");
      continue;
    }
    if (m_budget.exhausted()) {
      record_unstarted(issue, RunState::over_budget, "the fleet's budget was spent before this run started");
      continue;
    }
    {
      std::lock_guard lock(mutex);
      ++running;
      m_peak = std::max(m_peak, running);
    }
    threads.emplace_back([&, issue] {
      const RunState state = pipeline.run(issue, m_options.run_limits, m_options.mode);
      std::lock_guard lock(mutex);
      results[issue] = state;
      --running;
      slot_freed.notify_all();
    });
  }
  for (auto& thread : threads) thread.join();
  return results;
}

} // namespace fanout::pipeline
