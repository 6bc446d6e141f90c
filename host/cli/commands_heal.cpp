// fanout heal: turn reviewers' findings from recent runs into proposed agent rules (a PR).

#include "host/cli/commands.hpp"

#include "host/app/environment.hpp"
#include "host/config/loader.hpp"
#include "host/heal/heal.hpp"

#include <fmt/chrono.h>

#include <chrono>
#include <iostream>
#include <sstream>

namespace fanout::cli {

void add_heal_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<heal::HealOptions>();
  auto* cmd = app.add_subcommand(
      "heal", "Propose agent-rule changes (CLAUDE.md, AGENTS.md, ...) from recent review findings, as a pull request");
  cmd->add_flag("--no-pr", options->no_pr, "Commit the proposal on its branch but do not push or open a pull request");
  cmd->callback([&context, options] {
    const config::Config config = config::load_or_throw({context.repo_root(), std::nullopt});
    register_named_secrets(config);
    app::Environment environment(config, context.plugins());
    heal::HealOptions run_options = *options;
    run_options.date = fmt::format("{:%Y-%m-%d}", fmt::gmtime(std::chrono::system_clock::to_time_t(
                                                      std::chrono::system_clock::now())));
    std::ostringstream sink;
    heal::run_heal(config, environment.services(), environment.settings(), run_options,
                   context.options.quiet ? static_cast<std::ostream&>(sink) : std::cout);
  });
}

} // namespace fanout::cli
