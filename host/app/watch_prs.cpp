#include "host/app/watch_prs.hpp"

#include "host/app/environment.hpp"
#include "host/notify/run_events.hpp"
#include "host/services/interrupt.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/process_ledger.hpp"
#include "host/state/state_db.hpp"
#include "host/watch/watcher.hpp"
#include "host/workspace/workspace_manager.hpp"

#include <fmt/format.h>

#include <mutex>

namespace fanout::app {
namespace {

watch::WatchOptions options_of(const config::Config& config, const pipeline::FleetOptions& fleet) {
  watch::WatchOptions options;
  options.interval = config.watch.interval;
  options.ci_rounds = config.watch.ci_rounds;
  options.comment_rounds = config.watch.comment_rounds;
  options.update_rounds = config.watch.update_rounds;
  options.update = config.watch.update == "merge" ? git::UpdateStrategy::merge : git::UpdateStrategy::rebase;
  options.bots = config.watch.bots;
  options.label = config.watch.label;
  options.clean = config.watch.clean;
  options.log_bytes = static_cast<std::size_t>(config.watch.log_bytes);
  options.base_remote = config.workspace.base_remote;
  options.parallel = fleet.parallel;
  options.run_limits = fleet.run_limits;
  options.fleet_limits = fleet.fleet_limits;
  return options;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

} // namespace

WatchOutcome watch_prs(const std::filesystem::path& repo_root, const config::Config& config,
                       const plugins::Registry& registry, const WatchRequest& request, const WatchOutput& output) {
  Environment environment(config, registry);
  std::mutex print_mutex;
  auto say = [&](const std::string& line) {
    if (!output.line) return;
    std::lock_guard lock(print_mutex);
    output.line(line);
  };
  {
    state::StateDb db(state::StateDb::path_for(repo_root));
    for (const auto& orphan : state::end_orphans(db)) say("ended " + state::describe(orphan));
  }
  state::ProcessLedger ledger(environment.settings().db_path);

  watch::WatchHooks hooks;
  hooks.on_note = [&](const std::string& issue, const std::string& stage, const std::string& text) {
    say(issue.empty() ? fmt::format("{}: {}", stage, text) : fmt::format("[{}] {}: {}", issue, stage, text));
  };
  hooks.clean = [&](const pipeline::RunRecord& run) -> sdk::Result<std::string> {
    auto report = environment.workspaces().clean(run.issue, {}, sdk::CancelToken{});
    if (!report.ok()) return std::move(report).failure();
    if (!report->kept.empty()) return sdk::fail(sdk::FailureKind::error, joined(report->kept));
    return report->removed.empty() ? std::string("nothing to clean") : "cleaned: " + joined(report->removed);
  };
  // Notifications go out on their own thread; the dispatcher waits for them when it ends.
  notify::Dispatcher notifications(environment.settings().db_path, environment.notify_targets());
  notify::RunEvents events(notifications, environment.settings(), nullptr);
  watch::Watcher watcher(environment.services(), environment.settings(),
                         options_of(config, environment.fleet_options(request.parallel)), hooks, &events);
  WatchOutcome outcome;
  services::InterruptGuard guard(
      [&] {
        watcher.stop();
        notifications.cancel();
        services::terminate_all();
      },
      "cancelling agent sessions; fanout watch continues them when it runs again");
  if (request.once) watcher.tick();
  else watcher.run();
  outcome.interrupted = guard.interrupted();
  if (!outcome.interrupted) notifications.close();
  return outcome;
}

} // namespace fanout::app
