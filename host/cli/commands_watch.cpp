// fanout watch: the loop after the pull request (host/app/watch_prs.hpp, host/watch/).

#include "host/cli/commands.hpp"

#include "host/app/watch_prs.hpp"
#include "host/config/loader.hpp"
#include "host/services/secrets.hpp"
#include "host/util/error.hpp"

#include <iostream>

namespace fanout::cli {

void add_watch_command(CLI::App& app, Context& context) {
  auto request = std::make_shared<app::WatchRequest>();
  auto* watch = app.add_subcommand(
      "watch", "Keep fanout's open pull requests moving: failing CI, review comments and conflicts go back to the "
               "builder; merged or closed ones end their run");
  watch->add_flag("--once", request->once, "Look once at every pull request, act, and exit");
  watch->add_option("--parallel", request->parallel, "Runs acted on at once (default: [run] parallel)")
      ->check(CLI::PositiveNumber);
  watch->callback([&context, request] {
    const config::Config config = config::load_or_throw({context.repo_root(), std::nullopt});
    register_named_secrets(config);
    app::WatchOutput output;
    if (!context.options.quiet)
      output.line = [](const std::string& line) {
        std::cout << services::SecretRegistry::global().redact(line) << std::endl;
      };
    if (!context.options.quiet && !request->once)
      std::cout << "fanout: watching open pull requests every "
                << std::chrono::duration_cast<std::chrono::seconds>(config.watch.interval).count()
                << "s (Ctrl-C to stop)" << std::endl;
    const auto outcome = app::watch_prs(context.repo_root(), config, context.plugins(), *request, output);
    if (outcome.interrupted) {
      std::cerr << "fanout: interrupted; run fanout watch again to continue\n";
      throw ExitRequest{ExitCode::interrupted};
    }
  });
}

} // namespace fanout::cli
