// fanout serve: the dashboard (host/serve/), a local web server over the state store.

#include "host/cli/commands.hpp"

#include "host/agent/agent_env.hpp"
#include "host/config/config.hpp"
#include "host/serve/server.hpp"
#include "host/services/interrupt.hpp"
#include "host/services/secrets.hpp"
#include "host/util/error.hpp"

#include <fmt/format.h>

#include <atomic>
#include <iostream>
#include <map>

extern char** environ;

namespace fanout::cli {
namespace {

struct ServeOptions {
  int port = 0;
  std::string listen = "127.0.0.1";
};

bool loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

/// The budgets to show, or none when the config cannot be read (the dashboard still works:
/// it only reads the state store).
serve::Budget budget(Context& context) {
  if (!std::filesystem::exists(context.repo_root() / "fanout.toml")) return {};
  try {
    const auto& run = context.config().run;
    return {run.max_tokens, run.max_cost_usd, run.fleet_max_tokens, run.fleet_max_cost_usd};
  } catch (const UserError& e) {
    std::cerr << "fanout: warning: budgets not shown: " << services::SecretRegistry::global().redact(e.what()) << "\n";
    return {};
  }
}

} // namespace

void add_serve_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "A live dashboard in the browser (local; the printed address holds its token)");
  serve->add_option("--port", options->port, "Port to listen on (default: any free port)")->check(CLI::Range(0, 65535));
  serve->add_option("--listen", options->listen, "Address to listen on (default: 127.0.0.1)");
  serve->callback([&context, options] {
    // Credentials in the environment (the trackers' tokens, API keys) never reach a page,
    // even when the text that holds them comes from a run of another process.
    std::map<std::string, std::string> env;
    for (char** entry = environ; *entry; ++entry) {
      const std::string item = *entry;
      const auto equals = item.find('=');
      if (equals != std::string::npos) env[item.substr(0, equals)] = item.substr(equals + 1);
    }
    agent::register_credentials(env, services::SecretRegistry::global());

    serve::DashboardOptions dashboard_options;
    dashboard_options.repo_root = context.repo_root();
    dashboard_options.listen = options->listen;
    dashboard_options.port = options->port;
    dashboard_options.budget = budget(context);
    // Before any thread starts, so the guard's watcher is the one that sees Ctrl-C.
    std::atomic<serve::Dashboard*> running{nullptr};
    services::InterruptGuard guard(
        [&running] {
          if (auto* dashboard = running.load()) dashboard->stop();
        },
        "stopping the dashboard");
    serve::Dashboard dashboard(dashboard_options);
    dashboard.bind();
    running = &dashboard;
    if (!loopback(options->listen))
      std::cout << fmt::format("fanout: warning: listening on {}: anyone who can reach it and has the address below "
                               "(with its token) can see and act on your runs\n",
                               options->listen);
    std::cout << "fanout: dashboard at " << dashboard.url() << "\n"
              << "fanout: the token in that address is needed for every request; Ctrl-C stops the server" << std::endl;
    dashboard.serve();
    running = nullptr;
  });
}

} // namespace fanout::cli
