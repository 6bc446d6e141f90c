// fanout up / ls / exec / clean / doctor: one workspace per issue (host/workspace).
#include "host/cli/commands.hpp"
#include "host/app/clean_many.hpp"
#include "host/app/doctor_tools.hpp"
#include "host/app/runner_orphans.hpp"
#include "host/app/up_many.hpp"
#include "host/app/workspace_plugins.hpp"
#include "host/config/loader.hpp"
#include "host/runner/repo_id.hpp"
#include "host/services/interrupt.hpp"
#include "host/services/process_runner.hpp"
#include "host/services/secrets.hpp"
#include "host/util/error.hpp"
#include "host/workspace/doctor.hpp"
#include "host/workspace/workspace_manager.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <cstring>
#include <mutex>
#include <optional>

namespace fanout::cli {
namespace {

using workspace::WorkspaceManager;

/// Column-aligned text table; the first row is the header.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], row[c].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) line += row[c] + (c + 1 < row.size() ? std::string(widths[c] - row[c].size() + 2, ' ') : "");
    out << line << '\n';
  }
}

std::string ports_text(const workspace::PortBlock& ports) {
  return ports.empty() ? "-" : std::to_string(ports.first) + "-" + std::to_string(ports.first + ports.count - 1);
}

std::vector<std::string> row_of(const workspace::Workspace& ws, const std::filesystem::path& root) {
  const auto& r = ws.record;
  return {r.key, to_string(r.state), r.branch, workspace::relative_to(r.path, root), ports_text(ws.ports),
          r.db_url.empty() ? "-" : services::mask_url_password(r.db_url)};
}

/// The repo's config, its named secrets registered with the redactor.
config::Config loaded(Context& context) {
  config::Config config = config::load_or_throw({context.repo_root()});
  register_named_secrets(config);
  return config;
}

/// Everything a workspace command needs; the config is loaded once per command.
struct Session {
  config::Config config;
  app::WorkspacePlugins plugins;
  WorkspaceManager manager;

  explicit Session(Context& context, bool with_brancher = true)
      : config(loaded(context)), plugins(config),
        manager(workspace::Settings::from(config), with_brancher ? plugins.brancher() : nullptr, &plugins.processes()) {}
};

void run_up(Context& context, const std::vector<std::string>& keys) {
  sdk::CancelToken cancel;
  // Before the plugins and the workers start, so their threads inherit the blocked signals.
  // In-flight workspaces stop at their next cancellation point and are left `failed`, to be
  // finished by a later `up` or removed by `clean`; issues not started are not touched.
  services::InterruptGuard interrupts(
      [&] {
        cancel.cancel();
        services::terminate_all();
      },
      "cancelling the workspaces being made");
  Session session(context);
  std::string why;
  sdk::IssueTracker* tracker = session.plugins.tracker(why);
  if (!tracker && !context.options.quiet)
    std::cerr << "fanout: issue titles unavailable (" << why << "); branches use the key only\n";
  std::mutex out_mutex;
  app::UpOptions options;
  options.parallel = session.config.run.parallel;
  if (!context.options.quiet) {
    options.progress = [&](const std::string& key, const std::string& step) {
      std::lock_guard lock(out_mutex);
      std::cerr << key << ": " << step << "\n";
    };
    options.warn = [](const std::string& message) { std::cerr << "fanout: " << message << "\n"; };
  }
  const auto outcomes = app::up_many(session.manager, tracker, keys, options, cancel);

  std::vector<std::vector<std::string>> rows{{"ISSUE", "STATE", "BRANCH", "PATH", "PORTS", "DATABASE"}};
  std::vector<std::string> errors;
  std::string stopped, started, started_with_work; // keys Ctrl-C stopped; those that had begun (with uncommitted work)
  for (const auto& outcome : outcomes) {
    if (outcome.workspace) {
      rows.push_back(row_of(*outcome.workspace, session.config.repo_root));
      continue;
    }
    rows.push_back({outcome.key, outcome.cancelled ? "cancelled" : "failed", "-", "-", "-", "-"});
    if (!outcome.error.empty()) errors.push_back(outcome.error);
    if (outcome.cancelled) stopped += " " + outcome.key;
    if (outcome.begun) (outcome.has_work ? started_with_work : started) += " " + outcome.key;
  }
  print_table(std::cout, rows);
  std::cout.flush();
  for (const auto& error : errors) std::cerr << "fanout: error: " << services::SecretRegistry::global().redact(error) << "\n";
  if (interrupts.interrupted()) {
    std::cerr << "fanout: interrupted";
    if (!stopped.empty()) std::cerr << "; finish with \"fanout up" << stopped << "\"";
    if (!started.empty() || !started_with_work.empty()) std::cerr << " or remove with ";
    if (!started.empty()) std::cerr << "\"fanout clean" << started << "\"";
    if (!started.empty() && !started_with_work.empty()) std::cerr << " and ";
    if (!started_with_work.empty()) std::cerr << "\"fanout clean" << started_with_work << " --force\"";
    std::cerr << "\n";
    throw ExitRequest{ExitCode::interrupted};
  }
  if (!errors.empty()) throw ExitRequest{ExitCode::failure};
}

void run_ls(Context& context, bool json) {
  Session session(context, false);
  const auto all = session.manager.list();
  if (json) {
    auto array = nlohmann::json::array();
    for (const auto& ws : all) {
      const auto& r = ws.record;
      nlohmann::json database = {{"brancher", nullptr}, {"url", nullptr}};
      if (!r.brancher.empty()) database["brancher"] = r.brancher;
      if (!r.db_url.empty()) database["url"] = services::mask_url_password(r.db_url);
      array.push_back({{"issue", r.key},
                       {"branch", r.branch},
                       {"path", r.path.string()},
                       {"ports", ws.ports.ports()},
                       {"database", database},
                       {"state", to_string(r.state)}});
    }
    std::cout << array.dump(2) << "\n";
    return;
  }
  if (all.empty()) {
    std::cout << "no workspaces (make one with \"fanout up ISSUE\")\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{{"ISSUE", "STATE", "BRANCH", "PATH", "PORTS", "DATABASE"}};
  for (const auto& ws : all) rows.push_back(row_of(ws, session.config.repo_root));
  print_table(std::cout, rows);
}

[[noreturn]] void run_exec(Context& context, const std::string& key, const std::vector<std::string>& command) {
  Session session(context, false);
  const auto ws = session.manager.find(key);
  if (!ws) throw UserError("no workspace for issue \"" + key + "\" (run \"fanout up " + key + "\")");
  if (ws->record.state != workspace::State::ready)
    throw UserError("workspace of issue \"" + key + "\" is " + to_string(ws->record.state) + " (run \"fanout up " + key + "\")");
  for (const auto& [name, value] : value_or_throw(session.manager.env(key))) ::setenv(name.c_str(), value.c_str(), 1);
  if (::chdir(ws->record.path.c_str()) != 0)
    throw UserError("cannot enter \"" + ws->record.path.string() + "\": " + std::strerror(errno));
  std::vector<char*> argv;
  for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  ::execvp(argv[0], argv.data());
  const int error = errno;
  throw UserError("cannot run \"" + command[0] + "\": " + std::strerror(error), ExitCode(error == ENOENT ? 127 : 126));
}

/// The remote [runner] of the session's config, or nullopt when sessions run on this
/// machine. Throws UserError when it cannot be made.
std::optional<app::RunnerScope> runner_scope(Session& session) {
  sdk::Runner* runner = session.plugins.runner();
  if (!runner) return std::nullopt;
  const auto& config = session.config;
  return app::RunnerScope{*runner, config.runner.table.plugin, runner::repo_id(config.repo_root),
                          config.repo_root / ".fanout"};
}

void run_clean(Context& context, const app::CleanRequest& request) {
  value_or_throw(app::check_clean_request(request), ExitCode::usage);
  Session session(context);
  sdk::CancelToken cancel;
  app::CleanRequest told = request;
  told.on_orphan = [](const std::string& ended) { std::cout << "ended " << ended << "\n"; };
  const auto reports = value_or_throw(app::clean_many(session.manager, told, cancel));
  bool incomplete = false;
  for (const auto& report : reports) {
    for (const auto& line : report.removed) std::cout << report.key << ": " << line << "\n";
    for (const auto& line : report.kept) std::cout << report.key << ": " << line << "\n";
    if (report.removed.empty() && report.kept.empty()) std::cout << report.key << ": nothing to clean\n";
    if (!report.complete && !request.options.dry_run) incomplete = true;
  }
  if (request.orphans) {
    if (auto scope = runner_scope(session)) {
      const auto cleaned = app::clean_runner_orphans(*scope, request.options.dry_run, cancel);
      for (const auto& line : cleaned.done) std::cout << "runner: " << line << "\n";
      for (const auto& error : cleaned.errors) std::cerr << "fanout: " << error << "\n";
      if (!cleaned.errors.empty()) incomplete = true;
    }
  }
  if (reports.empty()) std::cout << "nothing to clean\n";
  if (incomplete) throw ExitRequest{ExitCode::failure};
}

void run_doctor(Context& context) {
  Session session(context, false);
  sdk::DatabaseBrancher* brancher = nullptr;
  std::string brancher_problem;
  try {
    brancher = session.plugins.brancher();
  } catch (const UserError& e) {
    brancher_problem = e.what();
  }
  const auto tools = app::doctor_tools(session.config, session.plugins.registry());
  sdk::CancelToken cancel;
  auto findings = value_or_throw(workspace::doctor(session.manager, brancher, tools, cancel));
  if (!brancher_problem.empty()) findings.push_back({brancher_problem, "fanout config check"});
  try {
    if (auto scope = runner_scope(session))
      for (auto& [problem, fix] : app::runner_findings(*scope, cancel)) findings.push_back({problem, fix});
  } catch (const UserError& e) {
    findings.push_back({e.what(), "fanout config check"});
  }
  if (findings.empty()) {
    std::cout << "nothing to fix\n";
    return;
  }
  for (const auto& f : findings) std::cout << f.problem << "\n  fix: " << f.fix << "\n";
  std::cout << findings.size() << (findings.size() == 1 ? " problem\n" : " problems\n");
  throw ExitRequest{ExitCode::failure};
}

} // namespace

void add_workspace_commands(CLI::App& app, Context& context) {
  auto* up = app.add_subcommand("up", "Make (or reuse) the workspace of each issue: worktree, ports, deps, database");
  auto up_keys = std::make_shared<std::vector<std::string>>();
  up->add_option("issues", *up_keys, "Issue keys")->required();
  up->callback([&context, up_keys] { run_up(context, *up_keys); });

  auto* ls = app.add_subcommand("ls", "List workspaces");
  auto json = std::make_shared<bool>(false);
  ls->add_flag("--json", *json, "Print JSON");
  ls->callback([&context, json] { run_ls(context, *json); });

  auto* exec = app.add_subcommand("exec", "Run a command in an issue's workspace with its env");
  auto exec_key = std::make_shared<std::string>();
  auto exec_command = std::make_shared<std::vector<std::string>>();
  exec->add_option("issue", *exec_key, "Issue key")->required();
  exec->add_option("command", *exec_command, "Command and arguments (after --)")->required();
  exec->callback([&context, exec_key, exec_command] { run_exec(context, *exec_key, *exec_command); });

  auto* clean = app.add_subcommand("clean", "Remove workspaces: worktree, merged branch, database branch, ports");
  auto flags = std::make_shared<app::CleanRequest>();
  clean->add_option("issues", flags->keys, "Issue keys");
  clean->add_flag("--merged", flags->merged, "Every workspace whose branch is merged into its base");
  clean->add_flag("--all", flags->all, "Every workspace");
  clean->add_flag("--orphans", flags->orphans, "Database branches, port leases and runner jobs that nothing live owns");
  clean->add_flag("--dry-run", flags->options.dry_run, "Only say what would be removed");
  clean->add_flag("--force", flags->options.force, "Also delete uncommitted work and unmerged branches");
  clean->callback([&context, flags] { run_clean(context, *flags); });

  auto* doctor = app.add_subcommand("doctor", "Find leftovers of workspaces and missing tools, with the fix for each");
  doctor->callback([&context] { run_doctor(context); });
}

} // namespace fanout::cli
