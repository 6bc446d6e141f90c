#include "host/cli/app.hpp"

#include "host/cli/commands.hpp"
#include "host/services/secrets.hpp"
#include "host/util/error.hpp"
#include "host/util/suggest.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include <unistd.h>

namespace fanout::cli {
namespace {

/// The deepest subcommand the parser entered: where an unexpected word was typed.
CLI::App* deepest_parsed(CLI::App* app) {
  for (auto* sub : app->get_subcommands())
    if (sub->parsed()) return deepest_parsed(sub);
  return app;
}

std::vector<std::string> subcommand_names(CLI::App* app) {
  std::vector<std::string> names;
  for (auto* sub : app->get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

/// "unknown command "jria" (did you mean "jira"?)" for a mistyped subcommand.
std::string explain_extras(CLI::App& app, const CLI::ParseError& error) {
  CLI::App* where = deepest_parsed(&app);
  auto remaining = where->remaining();
  if (remaining.empty()) return error.what();
  const auto names = subcommand_names(where);
  const std::string& typed = remaining.front();
  if (names.empty() || typed.rfind('-', 0) == 0) return error.what();
  std::string scope = where == &app ? "" : " for \"" + where->get_name() + "\"";
  return "unknown command \"" + typed + "\"" + scope + util::did_you_mean(typed, names);
}

} // namespace

int run(int argc, char** argv) {
  // One redactor for the whole process: every credential in the environment is known before
  // any command writes a byte (docs/security.md); the config's named ones join when it loads.
  auto& secrets = services::SecretRegistry::global();
  secrets.add_from_environment(environ);
  CLI::App app{"fanout: many coding agents at once, one issue each, each a reviewed pull request", "fanout"};
  app.require_subcommand(1);
  app.set_version_flag("--version", FANOUT_VERSION);
  Context context;
  app.add_option("-C,--repo", context.options.repo, "Repository to work in (default: found from the current directory)");
  app.add_flag("-v,--verbose", context.options.verbose, "Log debug details to stderr");
  app.add_flag("-q,--quiet", context.options.quiet, "Only print errors");
  app.parse_complete_callback([&] {
    // Logs go to stderr: stdout is the command's output (`fanout issues --json` stays JSON
    // when a plugin warns about a file it skipped).
    static auto logger = [] {
      auto made = spdlog::stderr_color_mt("fanout");
      made->set_pattern("fanout: %l: %v");
      return made;
    }();
    spdlog::set_default_logger(logger);
    spdlog::set_level(context.options.verbose ? spdlog::level::debug
                      : context.options.quiet ? spdlog::level::err
                                              : spdlog::level::warn);
  });

  add_version_command(app, context);
  add_plugin_commands(app, context);
  add_config_commands(app, context);
  add_issues_commands(app, context);
  add_agent_commands(app, context);
  add_workspace_commands(app, context);
  add_run_commands(app, context);
  add_status_commands(app, context);
  add_watch_command(app, context);
  add_pr_commands(app, context);
  add_demo_command(app, context);
  add_heal_command(app, context);
  add_serve_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A mistyped subcommand surfaces as "extras" or as "a subcommand is required".
    std::cerr << "fanout: error: " << explain_extras(app, e) << "\n";
    std::cerr << "run \"fanout --help\" for usage\n";
    return static_cast<int>(ExitCode::usage);
  } catch (const ExitRequest& e) {
    return static_cast<int>(e.code);
  } catch (const UserError& e) {
    std::cerr << "fanout: error: " << secrets.redact(e.what()) << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "fanout: error: " << secrets.redact(e.what()) << "\n";
    return static_cast<int>(ExitCode::failure);
  }
  return static_cast<int>(ExitCode::ok);
}

} // namespace fanout::cli
