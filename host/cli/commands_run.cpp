// fanout run / resume / approve / review: drive runs through the pipeline (host/pipeline/).

#include "host/cli/commands.hpp"

#include "host/app/run_actions.hpp"
#include "host/app/run_fleet.hpp"
#include "host/config/loader.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unistd.h>

#include <iostream>

namespace fanout::cli {
namespace {

struct RunOptions {
  std::vector<std::string> issues;
  int parallel = 0;
  std::string label;
};

/// Runs `keys` (app::run_fleet), prints the summary and sets the exit code.
void drive(Context& context, std::vector<std::string> keys, int parallel, pipeline::RunMode mode,
           const std::string& label = "") {
  const config::Config config = config::load_or_throw({context.repo_root(), std::nullopt});
  register_named_secrets(config);
  const bool quiet = context.options.quiet;
  app::FleetOutput output;
  if (!quiet) {
    output.view = &std::cout;
    output.tty = ::isatty(STDOUT_FILENO);
    output.notice = [](const std::string& line) { std::cerr << "fanout: " << line << "\n"; };
  }
  const auto outcome = app::run_fleet(context.repo_root(), config, context.plugins(),
                                      {std::move(keys), label, parallel, mode}, output);
  if (outcome.interrupted) {
    std::cerr << "fanout: interrupted; resume with: fanout resume\n";
    throw ExitRequest{ExitCode::interrupted};
  }
  const auto not_done = outcome.not_done();
  if (!quiet)
    std::cout << fmt::format("{} run(s): {} done, {} not done (see: fanout status)\n", outcome.results.size(),
                             outcome.results.size() - not_done, not_done);
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
