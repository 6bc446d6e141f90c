// fanout run / resume / approve / review: drive runs through the pipeline (host/pipeline/).

#include "host/cli/commands.hpp"

#include "host/app/environment.hpp"
#include "host/app/run_actions.hpp"
#include "host/app/run_many.hpp"
#include "host/config/loader.hpp"
#include "host/notify/run_events.hpp"
#include "host/pipeline/fleet.hpp"
#include "host/pipeline/live_view.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/plugins/registry.hpp"
#include "host/services/interrupt.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/process_ledger.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <iostream>

namespace fanout::cli {
namespace {

using pipeline::RunState;

struct RunOptions {
  std::vector<std::string> issues;
  int parallel = 0;
  std::string label;
};

/// Ends what a fanout killed with -9 left running (its agents, their tools), before any run
/// starts again in the same worktrees; says so on stderr.
void end_orphans(Context& context) {
  state::StateDb db(state::StateDb::path_for(context.repo_root()));
  for (const auto& orphan : state::end_orphans(db))
    if (!context.options.quiet) std::cerr << "fanout: ended " << state::describe(orphan) << "\n";
}

/// Runs `keys` under a fleet with the live view and Ctrl-C handling; sets the exit code.
void drive(Context& context, std::vector<std::string> keys, int parallel, pipeline::RunMode mode,
           const std::string& label = "") {
  const config::Config config = config::load_or_throw({context.repo_root(), std::nullopt});
  register_named_secrets(config);
  app::Environment environment(config, context.plugins());
  keys = app::issues_to_run(environment.tracker(), std::move(keys), label);
  const auto locks = app::lock_runs(context.repo_root(), keys);
  end_orphans(context);
  state::ProcessLedger ledger(environment.settings().db_path);

  auto options = environment.fleet_options(parallel);
  options.mode = mode;
  const bool tty = ::isatty(STDOUT_FILENO) && !context.options.quiet;
  pipeline::LiveView view(std::cout, tty);
  view.expect(keys);
  // Notifications go out on their own thread; the dispatcher waits for them when it ends.
  notify::Dispatcher notifications(environment.settings().db_path, environment.notify_targets());
  notify::RunEvents events(notifications, environment.settings(), context.options.quiet ? nullptr : &view);
  pipeline::Fleet fleet(environment.services(), environment.settings(), options, &events);
  std::map<std::string, RunState> results;
  {
    services::InterruptGuard guard([&] {
      fleet.cancel();
      notifications.cancel();
      services::terminate_all();
    });
    view.start();
    results = fleet.run(keys);
    view.stop();
    if (guard.interrupted()) {
      std::cerr << "fanout: interrupted; resume with: fanout resume\n";
      throw ExitRequest{ExitCode::interrupted};
    }
    events.fleet_done(results);
    notifications.close();
  }
  int not_done = 0;
  for (const auto& [key, state] : results) not_done += state == RunState::done ? 0 : 1;
  if (!context.options.quiet)
    std::cout << fmt::format("{} run(s): {} done, {} not done (see: fanout status)\n", results.size(),
                             results.size() - not_done, not_done);
  if (not_done > 0) throw ExitRequest{ExitCode::failure};
}

pipeline::RunStore open_store(Context& context) {
  return pipeline::RunStore(state::StateDb::path_for(context.repo_root()));
}

} // namespace

void add_run_commands(CLI::App& app, Context& context) {
  auto run_options = std::make_shared<RunOptions>();
  auto* run = app.add_subcommand("run", "Plan, build, publish and review issues, many at once");
  run->add_option("issues", run_options->issues, "Issue keys (\"42\", \"ENG-7\")");
  run->add_option("--parallel", run_options->parallel, "Runs at once (default: [run] parallel)")
      ->check(CLI::PositiveNumber);
  run->add_option("--label", run_options->label, "Also run every open issue with this label");
  run->callback([&context, run_options] {
    if (run_options->issues.empty() && run_options->label.empty())
      throw UserError("name at least one issue, or pass --label", ExitCode::usage);
    drive(context, run_options->issues, run_options->parallel, pipeline::RunMode::full, run_options->label);
  });

  auto resume_issues = std::make_shared<std::vector<std::string>>();
  auto resume_parallel = std::make_shared<int>(0);
  auto* resume = app.add_subcommand("resume", "Continue unfinished runs from their last completed stage");
  resume->add_option("issues", *resume_issues, "Issue keys (default: every unfinished run)");
  resume->add_option("--parallel", *resume_parallel, "Runs at once (default: [run] parallel)")->check(CLI::PositiveNumber);
  resume->callback([&context, resume_issues, resume_parallel] {
    auto store = open_store(context);
    auto keys = app::resumable(store, *resume_issues);
    if (keys.empty()) {
      if (!context.options.quiet) std::cout << "nothing to resume\n";
      return;
    }
    drive(context, keys, *resume_parallel, pipeline::RunMode::full);
  });

  auto approve_issue = std::make_shared<std::string>();
  auto* approve = app.add_subcommand("approve", "Approve an issue's plan ([run] approve_plan) and continue its run");
  approve->add_option("issue", *approve_issue, "Issue key")->required();
  approve->callback([&context, approve_issue] {
    auto store = open_store(context);
    const auto run = app::approve_plan(store, *approve_issue);
    if (!context.options.quiet) std::cout << "plan approved; continuing " << run.issue << "\n";
    drive(context, {run.issue}, 1, pipeline::RunMode::full);
  });

  auto review_issue = std::make_shared<std::string>();
  auto* review = app.add_subcommand("review", "Validate an issue's branch again with fresh reviewers");
  review->add_option("issue", *review_issue, "Issue key")->required();
  review->callback([&context, review_issue] {
    auto store = open_store(context);
    app::reviewable(store, *review_issue);
    drive(context, {*review_issue}, 1, pipeline::RunMode::validate_only);
  });

  auto cancel_issue = std::make_shared<std::string>();
  auto* cancel = app.add_subcommand("cancel", "Stop a running run as Ctrl-C would (its process's other runs stop too)");
  cancel->add_option("issue", *cancel_issue, "Issue key")->required();
  cancel->callback([&context, cancel_issue] {
    auto store = open_store(context);
    const auto cancelled = app::cancel(store, *cancel_issue);
    if (context.options.quiet) return;
    std::cout << fmt::format("asked process {} to stop run \"{}\"", cancelled.pid, *cancel_issue);
    if (!cancelled.others.empty())
      std::cout << fmt::format(" (and the runs it also drives: {})", fmt::join(cancelled.others, ", "));
    std::cout << "; resume with: fanout resume " << *cancel_issue << "\n";
  });
}

} // namespace fanout::cli
