#include "host/demo/sample_repo.hpp"

#include "host/git/cli.hpp"
#include "host/plugins/discovery.hpp"
#include "host/util/error.hpp"

#include <sqlite3.h>

#include <fstream>

namespace fanout::demo {

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw UserError("cannot write \"" + path.string() + "\"");
}

void copy_tree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) throw UserError("cannot copy \"" + from.string() + "\" to \"" + to.string() + "\": " + ec.message());
}

/// The main database, as an app would have it before any workspace exists.
void create_database(const fs::path& file) {
  fs::create_directories(file.parent_path());
  sqlite3* db = nullptr;
  int rc = sqlite3_open(file.c_str(), &db);
  char* error = nullptr;
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db,
                      "CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT NOT NULL);"
                      "INSERT INTO todos (title) VALUES ('try fanout demo'), ('read docs/running.md');",
                      nullptr, nullptr, &error);
  std::string message = error ? error : (db ? sqlite3_errmsg(db) : "out of memory");
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw UserError("cannot create \"" + file.string() + "\": " + message);
}

void git(sdk::ProcessRunner& processes, const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"-c", "user.name=fanout demo", "-c", "user.email=demo@fanout.invalid", "-c",
                             "commit.gpgsign=false"});
  git::RunOptions options;
  options.timeout = std::chrono::seconds(60);
  auto result = git::run_process(&processes, args, dir, {}, options);
  if (!result.ok()) throw UserError(git::what_of(args) + " failed: " + result.failure().message);
  if (result->exit_code != 0 || result->signaled)
    throw UserError(git::what_of(args) + " failed: " + (result->err.empty() ? result->out : result->err));
}

} // namespace

fs::path shipped_demo_dir() {
  std::error_code ec;
  if (fs::path exe = plugins::current_executable(); !exe.empty()) {
    fs::path installed = exe.parent_path().parent_path() / FANOUT_INSTALL_DATA_DIR / "demo";
    if (fs::is_directory(installed, ec)) return installed;
  }
  return fs::path(FANOUT_SOURCE_CONFIG_DIR) / "demo";
}

std::string sample_config(AgentKind agent) {
  const std::string provider = provider_name(agent);
  std::string text = "# fanout demo: three issues at once, each in its own worktree with its own port and\n"
                     "# database copy; plan, build, pull request, three reviewers, at most one fix round.\n\n"
                     "[tracker]\nkind = \"local\"   # issues are .fanout/issues/<key>.md\n\n"
                     "[codehost]\nkind = \"local\"   # pull requests are records under .fanout/prs\n"
                     "# The pull requests' one check, \"ci\" (trusted-only): no line of app.py over 100 characters.\n"
                     "ci_command = '''awk 'length > 100 { print FILENAME \":\" FNR \": longer than 100 characters\"; "
                     "bad = 1 } END { exit bad }' app.py'''\n\n"
                     "[agent]\nprovider = \"" + provider + "\"\n";
  if (agent == AgentKind::replay)
    text += "\n# Plays back .fanout/recordings/<issue>/<stage> and applies their file changes.\n"
            "[agent.replay]\ndir = \".fanout/recordings\"\ndelay = \"150ms\"\n";
  else
    text += "models = { plan = \"sonnet\", build = \"sonnet\", review = \"sonnet\" }\n";
  text += "\n[database]\nbrancher = \"sqlite\"\npath = \"data/app.db\"\n\n"
          "[[review]]\nplugin = \"agent-review\"\nprovider = \"" + provider + "\"\nprompt = \"review-pr\"\n\n"
          "[[review]]\nplugin = \"command-review\"\n"
          "run = [\"python3 -m unittest discover -s tests -t .\"]\n"
          "start = \"exec python3 app.py\"   # on the workspace's own $PORT and DATABASE_URL\n"
          "probe = \"/todos\"\n\n"
          "[[review]]\nplugin = \"scope-review\"\n\n"
          "[run]\nparallel = 3\nfix_rounds = 1\n";
  if (agent == AgentKind::claude_code) text += "max_cost_usd = 2.0\nfleet_max_cost_usd = 5.0\n";
  return text;
}

void create_sample_repo(const fs::path& dir, AgentKind agent, sdk::ProcessRunner& processes) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw UserError("directory \"" + dir.string() + "\" is not empty (pick a new one, or leave it out)");
  const fs::path source = shipped_demo_dir();
  if (!fs::is_directory(source / "repo", ec))
    throw UserError("the demo files are missing (looked in \"" + source.string() + "\")");
  copy_tree(source / "repo", dir);
  fs::rename(dir / "gitignore", dir / ".gitignore", ec); // shipped without the dot so installs keep it
  copy_tree(source / "issues", dir / ".fanout" / "issues");
  if (agent == AgentKind::replay) copy_tree(source / "recordings", dir / ".fanout" / "recordings");
  write_file(dir / "fanout.toml", sample_config(agent));
  create_database(dir / "data" / "app.db");
  git(processes, dir, {"init", "-q", "-b", "main"});
  git(processes, dir, {"add", "-A"});
  git(processes, dir, {"commit", "-q", "-m", "todo app: list and add todos"});
}

} // namespace fanout::demo
