#include "host/app/run_fleet.hpp"

#include "host/app/environment.hpp"
#include "host/app/run_many.hpp"
#include "host/notify/run_events.hpp"
#include "host/pipeline/fleet.hpp"
#include "host/pipeline/live_view.hpp"
#include "host/services/interrupt.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/process_ledger.hpp"
#include "host/state/state_db.hpp"

#include <optional>

namespace fanout::app {

std::size_t FleetOutcome::not_done() const {
  std::size_t count = 0;
  for (const auto& [key, state] : results) count += state == pipeline::RunState::done ? 0 : 1;
  return count;
}

FleetOutcome run_fleet(const std::filesystem::path& repo_root, const config::Config& config,
                       const plugins::Registry& registry, const FleetRequest& request, const FleetOutput& output) {
  Environment environment(config, registry);
  const auto keys = issues_to_run(environment.tracker(), request.keys, request.label);
  const auto locks = lock_runs(repo_root, keys);
  {
    // What a fanout killed with -9 left running (its agents, their tools) ends before any run
    // starts again in the same worktrees.
    state::StateDb db(state::StateDb::path_for(repo_root));
    for (const auto& orphan : state::end_orphans(db))
      if (output.notice) output.notice("ended " + state::describe(orphan));
  }
  state::ProcessLedger ledger(environment.settings().db_path);

  auto options = environment.fleet_options(request.parallel);
  options.mode = request.mode;
  std::optional<pipeline::LiveView> view;
  if (output.view) {
    view.emplace(*output.view, output.tty);
    view->expect(keys);
  }
  // Notifications go out on their own thread; the dispatcher waits for them when it ends.
  notify::Dispatcher notifications(environment.settings().db_path, environment.notify_targets());
  notify::RunEvents events(notifications, environment.settings(), view ? &*view : nullptr);
  pipeline::Fleet fleet(environment.services(), environment.settings(), options, &events);
  FleetOutcome outcome;
  services::InterruptGuard guard([&] {
    fleet.cancel();
    notifications.cancel();
    services::terminate_all();
  });
  if (view) view->start();
  outcome.results = fleet.run(keys);
  if (view) view->stop();
  outcome.interrupted = guard.interrupted();
  if (!outcome.interrupted) {
    events.fleet_done(outcome.results);
    notifications.close();
  }
  return outcome;
}

} // namespace fanout::app
