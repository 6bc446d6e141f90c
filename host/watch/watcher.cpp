#include "host/watch/watcher.hpp"

#include "host/state/process_ledger.hpp"
#include "host/state/run_lock.hpp"
#include "host/util/bounded_pool.hpp"
#include "host/watch/activity.hpp"
#include "host/watch/watch_store.hpp"

#include <fmt/format.h>

#include <set>

namespace fanout::watch {

using pipeline::RunState;

Watcher::Watcher(const pipeline::Services& services, const pipeline::Settings& settings, WatchOptions options,
                 WatchHooks hooks, pipeline::Observer* observer)
    : m_services(services), m_settings(settings), m_options(std::move(options)), m_hooks(std::move(hooks)),
      m_observer(observer), m_budget(m_options.fleet_limits), m_pipeline(services, settings, m_budget, m_scope, observer) {}

void Watcher::stop() {
  m_scope.cancel();
  std::lock_guard lock(m_mutex);
  m_wake.notify_all();
}

void Watcher::run() {
  while (!stopped()) {
    tick();
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, m_options.interval, [&] { return stopped(); });
  }
}

void Watcher::tick() {
  if (stopped()) return;
  // Each job is one run: its pull request watched, or (intake) its first run started.
  struct Job {
    std::string issue;
    bool start = false;
  };
  std::vector<Job> jobs;
  {
    pipeline::RunStore runs(m_settings.db_path);
    for (const auto& run : runs.all())
      if (!run.pr_id.empty() && run.state != RunState::merged && run.state != RunState::closed)
        jobs.push_back({run.issue, false});
  }
  for (auto& issue : intake()) jobs.push_back({std::move(issue), true});
  util::run_bounded(jobs.size(), static_cast<size_t>(std::max(1, m_options.parallel)), [&](size_t i) {
    if (stopped()) return;
    const auto& job = jobs[i];
    try {
      if (job.start) start_run(job.issue);
      else watch_run(job.issue);
    } catch (const std::exception& e) {
      note(job.issue, "watch", std::string("error: ") + e.what());
    }
  });
}

std::vector<std::string> Watcher::intake() {
  if (m_options.label.empty()) return {};
  sdk::IssueQuery query;
  query.labels = {m_options.label};
  auto listed = m_services.tracker->list(query, m_scope.child());
  if (!listed.ok()) {
    note("", "watch", "cannot list issues labelled \"" + m_options.label + "\": " + listed.failure().message);
    return {};
  }
  pipeline::RunStore runs(m_settings.db_path);
  std::vector<std::string> keys;
  for (const auto& issue : *listed)
    if (!runs.get(issue.key)) keys.push_back(issue.key);
  return keys;
}

void Watcher::start_run(const std::string& issue) {
  if (m_budget.exhausted()) {
    note(issue, "watch", "not started: the budget of this watch is spent");
    return;
  }
  state::LockHolder holder;
  auto lock = state::RunLock::take(m_settings.db_path.parent_path(), issue, holder);
  if (!lock.ok()) return note(issue, "watch", lock.failure().message);
  if (!*lock) return; // another process started it meanwhile
  if (pipeline::RunStore(m_settings.db_path).get(issue)) return;
  note(issue, "watch", "labelled \"" + m_options.label + "\" with no run: starting one");
  const RunState state = m_pipeline.run(issue, m_options.run_limits);
  note(issue, "watch", "run ended: " + std::string(pipeline::to_string(state)));
  state_changed(issue);
}

void Watcher::end(const pipeline::RunRecord& run, RunState state) {
  pipeline::RunStore(m_settings.db_path).set_state(run.issue, state);
  note(run.issue, "watch", fmt::format("pull request {} {}: the run ends", run.pr_url.empty() ? run.pr_id : run.pr_url,
                                       pipeline::to_string(state)));
  if (m_options.clean && m_hooks.clean) {
    auto cleaned = m_hooks.clean(run);
    note(run.issue, "watch", cleaned.ok() ? *cleaned : "could not clean: " + cleaned.failure().message);
  }
  state_changed(run.issue);
}

void Watcher::give_up(const std::string& issue, const std::string& part, const std::string& reason,
                      WatchRecord& watched, WatchStore& store) {
  watched.gave_up += (watched.gave_up.empty() ? "" : " ") + part;
  store.put(watched);
  pipeline::RunStore(m_settings.db_path).set_state(issue, RunState::needs_human, reason);
  note(issue, part, "needs a human: " + reason);
  // The pipeline tells the observer (notifications) about the ends of its follow-ups; this
  // one is the watch's own.
  if (m_observer) m_observer->update({issue, part, RunState::needs_human, 0, 0, reason, true});
  state_changed(issue);
}

void Watcher::state_changed(const std::string& issue) {
  if (!m_hooks.on_state && !m_services.write_back) return;
  const auto run = pipeline::RunStore(m_settings.db_path).get(issue);
  if (!run) return;
  // The pipeline wrote back the ends of its follow-ups already; the write-back skips writes
  // that change nothing, so the watch's own ends (bounds, merged, closed) are the news here.
  if (m_services.write_back) m_services.write_back->run_changed(*run, m_scope.child());
  if (m_hooks.on_state) m_hooks.on_state(*run);
}

void Watcher::note(const std::string& issue, const std::string& stage, const std::string& text) {
  if (!issue.empty()) watch::note(m_settings.runs_dir, issue, stage, text);
  if (m_hooks.on_note) m_hooks.on_note(issue, stage, text);
}

void Watcher::unsupported(const std::string& issue, const std::string& stage, const std::string& message) {
  {
    std::lock_guard lock(m_mutex);
    if (!m_said.insert(stage).second) return;
  }
  note(issue, stage, message + "; fanout watch skips this part");
}

} // namespace fanout::watch
