#pragma once
// One registration function per command group, each in its own file (commands_<group>.cpp).
// A group adds its subcommands to the app; their callbacks throw UserError on fatal errors.

#include "host/cli/context.hpp"

#include <CLI/CLI.hpp>

namespace fanout::cli {

void add_version_command(CLI::App& app, Context& context);
void add_plugin_commands(CLI::App& app, Context& context);
void add_config_commands(CLI::App& app, Context& context);
void add_issues_commands(CLI::App& app, Context& context);
void add_agent_commands(CLI::App& app, Context& context);
void add_workspace_commands(CLI::App& app, Context& context);
void add_run_commands(CLI::App& app, Context& context);    // run, resume, approve, review, cancel
void add_status_commands(CLI::App& app, Context& context); // status, logs
void add_watch_command(CLI::App& app, Context& context);   // watch
void add_pr_commands(CLI::App& app, Context& context);     // pr show
void add_demo_command(CLI::App& app, Context& context);     // demo
void add_heal_command(CLI::App& app, Context& context);     // heal
void add_serve_command(CLI::App& app, Context& context);    // serve (the dashboard)

} // namespace fanout::cli
