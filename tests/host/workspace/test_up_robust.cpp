// fanout up when things go wrong: an issue the tracker lacks, Ctrl-C, [workspace] install.
#include "host/services/process_runner.hpp"
#include "host/workspace/store.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"
#include "tests/support/wait.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

using namespace fanout;
using namespace std::chrono_literals;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

constexpr auto npos = std::string::npos;

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != npos; at = text.find(part, at + 1)) ++n;
  return n;
}

/// A started `fanout` process; killed and reaped if the test ends before it exits.
class Fanout {
public:
  /// Starts the built fanout with `args` in `repo`, its stdout and stderr to `log`.
  Fanout(const TempRepo& repo, const std::vector<std::string>& args, const fs::path& log) {
    const std::string xdg = (repo.root() / ".xdg").string(), exe = test::fanout_executable().string();
    std::vector<char*> argv{const_cast<char*>("fanout")};
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    m_pid = ::fork();
    if (m_pid == 0) {
      ::setenv("XDG_CONFIG_HOME", xdg.c_str(), 1);
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || ::chdir(repo.root().c_str()) != 0) ::_exit(126);
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::signal(SIGINT, SIG_DFL);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
  }
  ~Fanout() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, nullptr, 0);
  }
  Fanout(const Fanout&) = delete;
  Fanout& operator=(const Fanout&) = delete;

  /// Its exit status once it exits; -1 when it has not within `timeout` (or died of a signal).
  int wait(std::chrono::milliseconds timeout) {
    int status = 0;
    if (!test::poll_until([&] { return ::waitpid(m_pid, &status, WNOHANG) != 0; }, timeout, 20ms)) return -1;
    m_pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  /// Ctrl-C once `ready` has content (REQUIREd within 60 s); its exit status as wait(60s).
  int interrupt_when(const fs::path& ready) {
    REQUIRE(test::wait_for_content(ready, 60s));
    ::kill(m_pid, SIGINT);
    return wait(60s);
  }

private:
  pid_t m_pid = 0;
};

} // namespace

TEST_CASE_METHOD(CliRepo, "fanout up: an issue the tracker does not have fails alone, the others get workspaces",
                 "[workspace][cli]") {
  const auto up = fanout_cli(repo, "up 7 999 8");
  INFO(up.out);
  CHECK(up.rc == 1);
  CHECK(table_row(up.out, "999") == "999 failed - - - -");
  CHECK(table_row(up.out, "7").rfind("7 ready fanout/7-add-the-login-page .fanout/worktrees/7 ", 0) == 0);
  CHECK(table_row(up.out, "8").rfind("8 ready fanout/8-fix-the-logout .fanout/worktrees/8 ", 0) == 0);
  CHECK(up.out.find("fanout: error: issue \"999\" not found in .fanout/issues\n") != npos);
  const auto worktrees = repo.git("worktree list");
  CHECK(worktrees.find(".fanout/worktrees/7 ") != npos);
  CHECK(worktrees.find(".fanout/worktrees/8 ") != npos);
  CHECK(worktrees.find("999") == npos);
  CHECK_FALSE(workspace::WorkspaceStore(repo.root()).find("999"));
}

TEST_CASE("fanout up: Ctrl-C cancels the workspaces being made and exits 130, leaving them to up or clean",
          "[workspace][cli]") {
  TempRepo repo;
  // One at a time: 7 blocks in setup, 8 has not started when Ctrl-C comes.
  write_cli_config(repo, "\n[run]\nparallel = 1\n\n[workspace]\nsetup = [\"echo $$ > started; exec sleep 30\"]\n");
  const fs::path log = repo.root() / "up.log";
  Fanout up(repo, {"up", "7", "8"}, log);
  const fs::path started = repo.root() / ".fanout/worktrees/7/started";
  const int rc = up.interrupt_when(started);
  const std::string out = read_file(log);
  INFO(out);
  CHECK(rc == 130);
  CHECK(table_row(out, "7") == "7 cancelled - - - -");
  CHECK(table_row(out, "8") == "8 cancelled - - - -");
  CHECK(out.find("fanout: error: issue \"7\": setup command \"echo $$ > started; exec sleep 30\" was cancelled "
                 "(log: .fanout/workspaces/7/setup.log)\n") != npos);
  CHECK(out.find("fanout: stopping: cancelling the workspaces being made (Ctrl-C again to exit at once)\n") != npos);
  // The setup wrote "started" in the worktree: plain clean would keep it.
  CHECK(out.find("fanout: interrupted; finish with \"fanout up 7 8\" or remove with \"fanout clean 7 --force\"\n") !=
        npos);
  // The setup command went with fanout; 8 was never touched.
  const pid_t setup_pid = std::stoi(read_file(started));
  CHECK((::kill(setup_pid, 0) != 0 && errno == ESRCH));
  CHECK(repo.git("worktree list").find(".fanout/worktrees/8") == npos);
  CHECK_FALSE(workspace::WorkspaceStore(repo.root()).find("8"));
  const auto doctor = fanout_cli(repo, "doctor");
  CHECK(doctor.rc == 1);
  CHECK(doctor.out.find("workspace \"7\" failed: setup command \"echo $$ > started; exec sleep 30\" was cancelled "
                        "(log: .fanout/workspaces/7/setup.log); its worktree has 1 uncommitted change, e.g. started\n"
                        "  fix: fanout up 7  (or: fanout clean 7 --force)\n") != npos);

  SECTION("a later up finishes it") {
    write_cli_config(repo); // without the blocking setup
    const auto again = fanout_cli(repo, "up 7 8");
    INFO(again.out);
    CHECK(again.rc == 0);
    CHECK(table_row(again.out, "7").rfind("7 ready fanout/7-add-the-login-page ", 0) == 0);
    CHECK(table_row(again.out, "8").rfind("8 ready fanout/8-fix-the-logout ", 0) == 0);
    CHECK(fanout_cli(repo, "doctor").out == "nothing to fix\n");
  }
  SECTION("clean removes it") {
    const auto clean = fanout_cli(repo, "clean --all --force");
    INFO(clean.out);
    CHECK(clean.rc == 0);
    CHECK(repo.git("worktree list --porcelain").find(".fanout") == npos);
    CHECK(repo.git("branch --list 'fanout/*'") == "");
    CHECK(fanout_cli(repo, "doctor").out == "nothing to fix\n");
  }
}

TEST_CASE("fanout up: Ctrl-C during git's checkout stops git and its filter, and up finishes it later",
          "[workspace][cli][git]") {
  TempRepo repo({{".gitattributes", "*.slow filter=slow\n"}, {"a.slow", "content\n"}});
  write_cli_config(repo);
  const fs::path pid_file = repo.root() / "filter.pid";
  // A smudge filter git runs in its process group, stuck until the group is killed.
  repo.git("config filter.slow.smudge 'echo $$ > " + pid_file.string() + "; exec sleep 60'");
  const fs::path log = repo.root() / "up.log";
  Fanout up(repo, {"up", "7"}, log);
  const int rc = up.interrupt_when(pid_file);
  const std::string out = read_file(log);
  INFO(out);
  CHECK(rc == 130);
  CHECK(table_row(out, "7") == "7 cancelled - - - -");
  CHECK(out.find("fanout: error: issue \"7\": \"git worktree add\" was cancelled\n") != npos);
  CHECK(out.find("fanout: interrupted; finish with \"fanout up 7\" or remove with \"fanout clean 7\"\n") != npos);
  const pid_t filter = std::stoi(read_file(pid_file));
  CHECK(test::await_process_gone(filter)); // killed with git's group (a zombie until reaped)
  CHECK(repo.git("worktree list --porcelain").find(".fanout") == npos);

  repo.git("config filter.slow.smudge cat");
  const auto again = fanout_cli(repo, "up 7");
  INFO(again.out);
  CHECK(again.rc == 0);
  CHECK(read_file(repo.root() / ".fanout/worktrees/7/a.slow") == "content\n");
}

TEST_CASE("workspace install: runs before setup only when a reuse dir could not be reused", "[workspace][deps]") {
  TempRepo repo({{"package-lock.json", "{\"v\":1}\n"}, {".gitignore", "node_modules/\n"}});
  repo.write("node_modules/left-pad/index.js", "module.exports = 1;\n");
  auto settings = repo.settings();
  settings.workspace.reuse = {"node_modules"};
  settings.workspace.key_files = {"package-lock.json"};
  settings.workspace.install = {"echo install >> order.txt", "mkdir -p node_modules && echo fresh > node_modules/installed"};
  settings.workspace.setup = {"echo setup reused=$FANOUT_DEPS_REUSED >> order.txt"};
  services::LocalProcessRunner runner;
  workspace::WorkspaceManager manager(settings, nullptr, &runner);
  sdk::CancelToken cancel;

  SECTION("the lockfile matches the main checkout's: node_modules is reused, install skipped") {
    auto ws = manager.up(issue("1"), cancel);
    REQUIRE(ws.ok());
    CHECK(read_file(ws->record.path / "order.txt") == "setup reused=1\n");
    CHECK(read_file(ws->record.path / "node_modules/left-pad/index.js") == "module.exports = 1;\n");
    CHECK_FALSE(fs::exists(ws->record.path / "node_modules/installed"));
    CHECK(read_file(ws->log).find("$ echo install") == npos);
  }
  SECTION("the lockfile differs: install runs, then setup, both in the setup log") {
    repo.write("package-lock.json", "{\"v\":2}\n"); // the main checkout moves on; the branch keeps v1
    auto ws = manager.up(issue("2"), cancel);
    REQUIRE(ws.ok());
    CHECK(read_file(ws->record.path / "order.txt") == "install\nsetup reused=0\n");
    CHECK(read_file(ws->record.path / "node_modules/installed") == "fresh\n");
    CHECK_FALSE(fs::exists(ws->record.path / "node_modules/left-pad"));
    CHECK(read_file(ws->log).find("$ echo install >> order.txt\n") == 0);
    CHECK_FALSE(fs::exists(repo.root() / ".fanout/workspaces/2/install.pending"));
  }
}

TEST_CASE("workspace install: a failing install fails that workspace, naming the log, and runs again on the next up",
          "[workspace][deps]") {
  TempRepo repo({{"package-lock.json", "{\"v\":1}\n"}, {".gitignore", "node_modules/\n"}});
  const fs::path go = repo.root() / "install-may-pass";
  auto settings = repo.settings();
  settings.workspace.reuse = {"node_modules"}; // not in the main checkout: never reused
  settings.workspace.key_files = {"package-lock.json"};
  settings.workspace.install = {"mkdir -p node_modules && touch node_modules/half && test -f '" + go.string() +
                                "' || { echo fetching >&2; echo boom >&2; exit 4; }"};
  settings.workspace.setup = {"echo reused=$FANOUT_DEPS_REUSED > setup.out"};
  services::LocalProcessRunner runner;
  workspace::WorkspaceManager manager(settings, nullptr, &runner);
  sdk::CancelToken cancel;

  auto bad = manager.up(issue("1"), cancel);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message == "issue \"1\": install command \"" + settings.workspace.install[0] +
                                     "\" exited with code 4 (log: .fanout/workspaces/1/setup.log)\n  fetching\n  boom");
  CHECK(manager.find("1")->record.state == workspace::State::failed);
  const fs::path path = repo.root() / ".fanout/worktrees/1";
  CHECK_FALSE(fs::exists(path / "setup.out")); // setup does not run after a failed install
  CHECK(read_file(repo.root() / ".fanout/workspaces/1/setup.log").find("boom\n# failed\n") != npos);

  // The half-filled node_modules now exists in the worktree; it must not count as reused.
  REQUIRE(fs::exists(path / "node_modules/half"));
  std::ofstream(go) << "ok\n";
  auto good = manager.up(issue("1"), cancel);
  REQUIRE(good.ok());
  CHECK(good->record.state == workspace::State::ready);
  CHECK(read_file(path / "setup.out") == "reused=0\n");
  CHECK(count_of(read_file(repo.root() / ".fanout/workspaces/1/setup.log"), "$ mkdir -p node_modules") == 2);
  CHECK_FALSE(fs::exists(repo.root() / ".fanout/workspaces/1/install.pending"));
}

TEST_CASE("fanout up: [workspace] install from fanout.toml, only in a trusted repo", "[workspace][cli][config]") {
  TempRepo repo;
  const std::string config = "\n[workspace]\nreuse = [\"node_modules\"]\ninstall = [\"touch installed\"]\n";
  SECTION("trusted: it runs, as node_modules is not in the main checkout") {
    write_cli_config(repo, config);
    const auto up = fanout_cli(repo, "up 7");
    INFO(up.out);
    CHECK(up.rc == 0);
    CHECK(fs::exists(repo.root() / ".fanout/worktrees/7/installed"));
  }
  SECTION("untrusted: a positioned error, and nothing is made") {
    write_cli_config(repo, config, false);
    const auto up = fanout_cli(repo, "up 7");
    CHECK(up.rc == 2);
    CHECK(up.out.rfind("fanout: error: fanout.toml:7:1: [workspace] install: runs commands or chooses binaries", 0) == 0);
    CHECK_FALSE(fs::exists(repo.root() / ".fanout/worktrees/7"));
  }
}
