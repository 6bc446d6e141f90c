// fanout demo: make the sample repository and run the whole loop on its three issues.

#include "host/cli/commands.hpp"
#include "host/config/loader.hpp"
#include "host/config/trust_edit.hpp"

#include "host/demo/agent_choice.hpp"
#include "host/demo/sample_repo.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/plugins/discovery.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace fanout::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  std::string dir;
  std::string agent = "auto";
  bool no_run = false;
};

/// Runs this fanout with `args`, sharing the terminal (so the live view is live). Ctrl-C
/// reaches the child, which records its runs as cancelled; we wait for it. Returns its exit code.
int run_self(const std::vector<std::string>& args) {
  fs::path exe = plugins::current_executable();
  if (exe.empty()) throw UserError("cannot find the running fanout executable");
  std::vector<std::string> argv_storage{"fanout"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  auto previous = std::signal(SIGINT, SIG_IGN);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, exe.c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  int status = 0;
  if (rc == 0)
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  std::signal(SIGINT, previous);
  if (rc != 0) throw UserError(fmt::format("cannot start \"{}\": {}", exe.string(), std::strerror(rc)));
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

fs::path make_demo_dir(const std::string& requested) {
  if (!requested.empty()) return fs::absolute(requested).lexically_normal();
  std::string pattern = (fs::temp_directory_path() / "fanout-demo-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw UserError("cannot make a temporary directory for the demo");
  return pattern;
}

/// The pull request folder of `issue`'s run (the local code host's <prs_dir>/<id>).
fs::path pr_folder(const fs::path& repo, const std::string& issue) {
  pipeline::RunStore runs(state::StateDb::path_for(repo));
  const auto run = runs.get(issue);
  if (!run || run->pr_id.empty()) throw UserError(fmt::format("the demo's issue {} has no pull request", issue));
  return repo / ".fanout" / "prs" / run->pr_id;
}

/// One person's review comment on issue 1's pull request, as a teammate would leave it.
fs::path write_demo_comment(const fs::path& repo) {
  const fs::path folder = pr_folder(repo, "1");
  fs::create_directories(folder / "comments");
  const fs::path file = folder / "comments" / "alice.md";
  std::ofstream out(file, std::ios::binary);
  out << "---\nauthor: alice\npath: app.py\nline: 43\n---\n"
         "Does /health keep a database connection open between probes? Our load balancer probes every second.\n";
  if (!out) throw UserError(fmt::format("cannot write \"{}\"", file.string()));
  return file;
}

/// After the run: the sample's ci_command fails on issue 2's head (a line over 100
/// characters) and alice comments on issue 1's pull request; `fanout watch --once` hands
/// both to the builders, a second pass reads the check of the pushed head.
void run_demo_watch(Context& context, const std::string& repo) {
  const bool quiet = context.options.quiet;
  const fs::path comment = write_demo_comment(repo);
  if (!quiet)
    std::cout << fmt::format("\nAfter the pull requests: the check \"ci\" (fanout.toml [codehost] ci_command) fails "
                             "on issue 2's head,\nand a teammate commented on issue 1's pull request ({}).\n",
                             comment.string());
  std::vector<std::string> watch_args{"-C", repo};
  if (context.options.verbose) watch_args.push_back("--verbose");
  if (quiet) watch_args.push_back("--quiet");
  watch_args.insert(watch_args.end(), {"watch", "--once"});
  for (const char* pass : {"fix the failing check, answer the comment", "read the check of the pushed head"}) {
    if (!quiet) std::cout << fmt::format("\n$ fanout -C {} watch --once   # {}\n", repo, pass);
    std::cout.flush();
    if (const int code = run_self(watch_args); code != 0) throw ExitRequest{static_cast<ExitCode>(code)};
  }
}

void run_demo(Context& context, const DemoOptions& options) {
  const auto choice = demo::choose_agent(options.agent);
  services::LocalProcessRunner processes;
  sdk::ProcessSpec python;
  python.argv = {"python3", "--version"};
  python.timeout = std::chrono::seconds(10);
  if (auto found = processes.run(python, {}, {}); !found.ok() || found->exit_code != 0)
    throw UserError("the demo's sample app needs python3 (not found on PATH)");
  const fs::path dir = make_demo_dir(options.dir);
  demo::create_sample_repo(dir, choice.kind, processes);
  const bool quiet = context.options.quiet;
  const std::string repo = dir.string();
  // The sample's command-review runs its unit tests, a trusted key: fanout made this repo,
  // so it trusts it, as `fanout init --trust` would, and says so.
  const fs::path user_config = config::default_user_config_path();
  config::trust_repo(user_config, fs::weakly_canonical(dir));
  if (!quiet) {
    std::cout << fmt::format("fanout demo\n  sample repository: {}\n  agents:            {}\n", repo, choice.reason);
    std::cout << "  issues:            1 \"Add a /health endpoint\", 2 \"Mark a todo as done\", 3 \"Delete a todo\"\n";
    std::cout << "  reviewers:         agent-review (review-pr), command-review (unit tests + the app probed on its "
                 "port), scope-review\n";
    std::cout << fmt::format("  trusted:           added to [trust] repos in {} (its fanout.toml runs the tests)\n\n",
                             user_config.string());
  }
  if (options.no_run) {
    if (!quiet) std::cout << fmt::format("run it with: fanout -C {} run 1 2 3\n", repo);
    return;
  }
  if (!quiet) std::cout << fmt::format("$ fanout -C {} run 1 2 3\n", repo);
  std::cout.flush(); // the child writes to the same terminal
  std::vector<std::string> run_args{"-C", repo};
  if (context.options.verbose) run_args.push_back("--verbose");
  if (quiet) run_args.push_back("--quiet");
  run_args.insert(run_args.end(), {"run", "1", "2", "3"});
  const int code = run_self(run_args);
  if (code == 0) run_demo_watch(context, repo);
  if (!quiet) {
    const std::string watched =
        code != 0 ? std::string()
                  : fmt::format("  the CI fix and its green check:   fanout -C {} logs 2 --stage ci, {}/checks/\n"
                                "  the reply to the comment:         {}/replies/\n",
                                repo, pr_folder(repo, "2").string(), pr_folder(repo, "1").string());
    std::cout << fmt::format("\n$ fanout -C {} status\n", repo);
    std::cout.flush();
    run_self({"-C", repo, "status"});
    std::cout << fmt::format(
        "\nWhere to look:\n"
        "  pull requests and their reviews:  {0}/.fanout/prs/\n"
        "  plans and agent transcripts:      {0}/.fanout/runs/<issue>/\n"
        "  every run, its verdicts and cost: fanout -C {0} status\n"
        "  one run's log:                    fanout -C {0} logs 2\n"
        "{1}"
        "  the workspaces (worktrees):       fanout -C {0} ls\n"
        "  agent rules from the findings:    fanout -C {0} heal\n"
        "  remove worktrees and databases:   fanout -C {0} clean --all\n",
        repo, watched);
  }
  if (code != 0) throw ExitRequest{static_cast<ExitCode>(code)};
}

} // namespace

void add_demo_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<DemoOptions>();
  auto* demo = app.add_subcommand("demo", "Make a sample repo with three issues and run the whole loop on them");
  demo->add_option("dir", options->dir, "Where to make the sample repository (default: a new temporary directory)");
  demo->add_option("--agent", options->agent,
                   "auto (Claude Code when installed and logged in, else replay), replay, or claude-code")
      ->capture_default_str();
  demo->add_flag("--no-run", options->no_run, "Only make the sample repository");
  demo->callback([&context, options] { run_demo(context, *options); });
}

} // namespace fanout::cli
