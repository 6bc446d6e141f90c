#pragma once
// Watcher: the loop of `fanout watch`. Every interval, for each run that published a pull
// request and is not merged or closed, it looks at the pull request (its checks, people's
// comments, whether it merges cleanly) and, one change per run per pass, hands what needs
// fixing to the builder through Pipeline::follow_up(): a conflict first (the branch is
// updated, the rest would be judged on a stale head), then failing checks, then comments.
// Each part is bounded ([watch] ci_rounds, comment_rounds, update_rounds); a bound reached
// makes the run `needs_human` with the reason. A merged or closed pull request ends the run.
// With [watch] label, open issues with that label and no run start one.
//
// What it did goes to the run's folder (host/watch/activity.hpp) and what it remembers to
// the state store (host/watch/watch_store.hpp); each run is acted on under its run lock, so
// a `fanout run` or `resume` of the same issue and a second watch never overlap with it.

#include "host/git/update.hpp"
#include "host/pipeline/budget.hpp"
#include "host/pipeline/cancel_scope.hpp"
#include "host/pipeline/pipeline.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/pipeline/services.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace fanout::watch {

struct WatchRecord;
class WatchStore;

/// [watch], with the limits of [run].
struct WatchOptions {
  std::chrono::milliseconds interval{60'000};
  int ci_rounds = 2;
  int comment_rounds = 3;
  int update_rounds = 2;
  git::UpdateStrategy update = git::UpdateStrategy::rebase;
  bool bots = false;       ///< act on comments from bots too
  std::string label;       ///< intake: start runs for open issues with this label ("" = off)
  bool clean = false;      ///< clean a merged or closed run's workspace
  std::size_t log_bytes = 16'000; ///< of each failing check's log, for the builder
  bool base_remote = false; ///< [workspace] base_remote: update from origin/<base> after a fetch
  int parallel = 4;         ///< [run] parallel: runs acted on (or started) at once
  pipeline::Limits run_limits;
  pipeline::Limits fleet_limits; ///< for everything this watch process starts
};

struct WatchHooks {
  /// Each note as it is written (the command prints them). May be empty. Called from
  /// several threads at once.
  std::function<void(const std::string& issue, const std::string& stage, const std::string& text)> on_note;
  /// Cleans the workspace of a merged or closed run ([watch] clean); returns what it did
  /// or why not. May be empty.
  std::function<sdk::Result<std::string>(const pipeline::RunRecord& run)> clean;
  /// A run's state changed (write-back to the tracker). May be empty.
  std::function<void(const pipeline::RunRecord& run)> on_state;
};

class Watcher {
public:
  /// Everything referenced must outlive the Watcher.
  Watcher(const pipeline::Services& services, const pipeline::Settings& settings, WatchOptions options,
          WatchHooks hooks, pipeline::Observer* observer = nullptr);

  /// One pass over every watched run (and the intake). Blocks until every change it
  /// started is pushed or has failed. Never throws for one run's trouble.
  void tick();

  /// Ticks every interval until stop(). Returns after the pass that stop() interrupted.
  void run();

  /// Cancels running sessions and ends run(). Thread-safe, never blocks.
  void stop();
  bool stopped() const { return m_scope.cancelled(); }

private:
  struct Look;
  void watch_run(const std::string& issue);
  void start_run(const std::string& issue);
  std::vector<std::string> intake();
  Look look_at(const sdk::PullRequest& pr, const pipeline::RunRecord& run, WatchStore& store);
  bool act_on_conflict(const pipeline::RunRecord& run, const sdk::PullRequest& pr, const Look& look,
                       WatchRecord& watched, WatchStore& store);
  bool act_on_ci(const pipeline::RunRecord& run, const sdk::PullRequest& pr, const Look& look, WatchRecord& watched,
                 WatchStore& store);
  bool act_on_comments(const pipeline::RunRecord& run, const sdk::PullRequest& pr, const Look& look,
                       WatchRecord& watched, WatchStore& store);
  void end(const pipeline::RunRecord& run, pipeline::RunState state);
  void give_up(const std::string& issue, const std::string& part, const std::string& reason, WatchRecord& watched,
               WatchStore& store);
  void state_changed(const std::string& issue);
  void note(const std::string& issue, const std::string& stage, const std::string& text);
  /// Notes a part this code host cannot do, once per process.
  void unsupported(const std::string& issue, const std::string& stage, const std::string& message);

  const pipeline::Services& m_services;
  const pipeline::Settings& m_settings;
  WatchOptions m_options;
  WatchHooks m_hooks;
  pipeline::Observer* m_observer;
  pipeline::FleetBudget m_budget;
  pipeline::CancelScope m_scope;
  pipeline::Pipeline m_pipeline;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::set<std::string> m_said; ///< unsupported parts already noted
};

} // namespace fanout::watch
