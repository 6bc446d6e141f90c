// A remote [runner] end to end, with the fixture runner (tests/fixtures/runner_plugin.cpp):
// every agent session runs from a fresh clone of the origin, pushes, and fanout brings the
// commits back into the worktree before publishing and reviewing.
#include "host/runner/repo_id.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <sstream>

using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// The E2e sample repository with the fixture runner as its [runner], and no database
/// (its SQLite brancher only works on this machine, which a remote runner refuses).
void use_fixture_runner(E2e& e2e, const std::string& runner_keys = "") {
  e2e.without_database();
  e2e.append_config("\n[plugins]\ndirs = [\"" + (fixture_dir() / "runner").string() +
                    "\"]\n\n[runner]\nkind = \"fixture-runner\"\n" + runner_keys);
}

fs::path runner_dir(const E2e& e2e) { return e2e.repo / ".fanout" / "data" / "fixture-runner"; }

std::vector<std::string> calls(const E2e& e2e) {
  std::vector<std::string> lines;
  std::istringstream in(read_text(runner_dir(e2e) / "calls.log"));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string git_out(const fs::path& dir, const std::string& args) {
  const auto out = dir.parent_path() / "git.out";
  const std::string command = "git -C '" + dir.string() + "' " + args + " > '" + out.string() + "' 2>&1";
  INFO(command);
  REQUIRE(std::system(command.c_str()) == 0);
  std::string text = read_text(out);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

} // namespace

TEST_CASE("remote runner: plan, build and review sessions run through it; commits reach the worktree and the PR",
          "[runner]") {
  E2e e2e;
  use_fixture_runner(e2e);
  auto ran = e2e.fanout({"run", "1"});
  INFO(ran.out << ran.err << read_text(runner_dir(e2e) / "calls.log"));
  REQUIRE(ran.exit_code == 0);

  const std::string repo = fanout::runner::repo_id(e2e.repo);
  const auto log = calls(e2e);
  std::vector<std::string> started;
  for (const auto& line : log)
    if (line.rfind("started ", 0) == 0) started.push_back(line);
  REQUIRE(started.size() == 3);
  // "started <repo> <issue> <run> <stage> secrets=": one run id throughout.
  std::istringstream first(started[0]);
  std::string word, repo_label, issue, run_id, stage;
  first >> word >> repo_label >> issue >> run_id >> stage;
  CHECK(repo_label == repo);
  CHECK(issue == "1");
  CHECK(stage == "plan");
  CHECK(started[1] == "started " + repo + " 1 " + run_id + " build secrets=");
  CHECK(started[2] == "started " + repo + " 1 " + run_id + " review-agent-review-0 secrets=");
  // Each finished session's record is removed once its commits are in the worktree.
  CHECK(std::count_if(log.begin(), log.end(), [](const auto& l) { return l.rfind("removed ", 0) == 0; }) == 3);

  // The build's commit came back: the worktree's branch has it, the origin too, and the PR
  // was opened for that branch.
  const auto worktrees = e2e.repo / ".fanout" / "worktrees";
  REQUIRE(fs::exists(worktrees));
  fs::path worktree;
  for (const auto& entry : fs::directory_iterator(worktrees)) worktree = entry.path();
  REQUIRE(fs::exists(worktree / "feature-1.txt"));
  const std::string branch = git_out(worktree, "rev-parse --abbrev-ref HEAD");
  CHECK(git_out(worktree, "rev-parse HEAD") == git_out(e2e.origin, "rev-parse refs/heads/" + branch));
  CHECK(git_out(worktree, "log -1 --format=%s") == "implement 1");
  auto pulls = e2e.server.pulls();
  REQUIRE(pulls.size() == 1);
  CHECK(pulls[0].head == branch);
  CHECK(e2e.server.reviews(pulls[0].number).size() == 1);

  auto doctor = e2e.fanout({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.out.find("[runner]") == std::string::npos);
}

TEST_CASE("remote runner: the runner is told which of the agent's env variables are secrets, by name", "[runner]") {
  E2e e2e;
  use_fixture_runner(e2e);
  std::string toml = read_text(e2e.repo / "fanout.toml");
  const std::string pass = "pass_env = [\"E2E_SCRIPTS\", \"E2E_FAKE_CLAUDE\"";
  REQUIRE(toml.find(pass) != std::string::npos);
  toml.replace(toml.find(pass), pass.size(), pass + ", \"E2E_API_KEY\"");
  write_text(e2e.repo / "fanout.toml", toml);
  setenv("E2E_API_KEY", "sk-e2e-0123456789abcdef", 1);
  auto ran = e2e.fanout({"run", "1"});
  unsetenv("E2E_API_KEY");
  INFO(ran.out << ran.err);
  REQUIRE(ran.exit_code == 0);
  const auto log = calls(e2e);
  REQUIRE(!log.empty());
  CHECK(log[0].substr(log[0].size() - std::string("secrets=E2E_API_KEY").size()) == "secrets=E2E_API_KEY");
}

TEST_CASE("remote runner: kill -9 after the build pushed, then resume follows that session with the same labels",
          "[runner]") {
  E2e e2e;
  use_fixture_runner(e2e, "hang_after_push = \"build\"\n");
  const pid_t pid = e2e.start({"run", "1"});
  REQUIRE(await_true("the build session to push and hang",
                     [&] {
                       for (const auto& line : calls(e2e))
                         if (line.rfind("hanging ", 0) == 0) return true;
                       return false;
                     },
                     std::chrono::seconds(120), std::chrono::milliseconds(50)));
  ::kill(pid, SIGKILL);
  CHECK(e2e.wait(pid).exit_code == 128 + SIGKILL);

  // What the killed run left is the runner's session record: doctor names it.
  auto doctor = e2e.fanout({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.exit_code == 1);
  CHECK(doctor.out.find("[runner] fixture-runner left session/") != std::string::npos);
  CHECK(doctor.out.find("(issue \"1\", run ") != std::string::npos);
  CHECK(doctor.out.find("stage \"build\", succeeded), which no live run owns\n  fix: fanout clean --orphans") !=
        std::string::npos);

  // The test's own config change: resume must not hang again (labels are what must match).
  std::string toml = read_text(e2e.repo / "fanout.toml");
  toml.replace(toml.find("hang_after_push = \"build\"\n"), std::string("hang_after_push = \"build\"\n").size(), "");
  write_text(e2e.repo / "fanout.toml", toml);
  auto resumed = e2e.fanout({"resume", "1"});
  INFO(resumed.out << resumed.err << read_text(runner_dir(e2e) / "calls.log"));
  REQUIRE(resumed.exit_code == 0);

  std::string started_build, followed_build;
  for (const auto& line : calls(e2e)) {
    if (line.find(" build ") == std::string::npos) continue;
    if (line.rfind("started ", 0) == 0) {
      CHECK(started_build.empty()); // one build session, never a second
      started_build = line.substr(8);
    }
    if (line.rfind("followed ", 0) == 0) followed_build = line.substr(9);
  }
  CHECK(!started_build.empty());
  CHECK(followed_build == started_build);
  CHECK(e2e.calls()["BUILD 1"] == 1);
  REQUIRE(e2e.server.pulls().size() == 1);
}

TEST_CASE("remote runner: doctor lists and clean --orphans removes only this repository's leftovers", "[runner]") {
  E2e e2e;
  use_fixture_runner(e2e, "foreign_record = true\n");
  const std::string repo = fanout::runner::repo_id(e2e.repo);
  const auto sessions = runner_dir(e2e) / "sessions";
  fs::create_directories(sessions);
  write_text(sessions / "left.json", R"({"labels": {"repo": ")" + repo +
                                         R"(", "issue": "7", "run": "42", "stage": "fix-1"}, "state": "failed"})");

  auto doctor = e2e.fanout({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.exit_code == 1);
  CHECK(doctor.out.find("[runner] fixture-runner left session/left (issue \"7\", run 42, stage \"fix-1\", failed), "
                        "which no live run owns\n  fix: fanout clean --orphans\n") != std::string::npos);
  CHECK(doctor.out.find("session/elsewhere") == std::string::npos);

  auto dry = e2e.fanout({"clean", "--orphans", "--dry-run"});
  INFO(dry.out << dry.err);
  CHECK(dry.out.find("runner: would remove session/left (issue \"7\"") != std::string::npos);
  CHECK(fs::exists(sessions / "left.json"));

  auto clean = e2e.fanout({"clean", "--orphans"});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out.find("runner: removed session/left (issue \"7\", run 42, stage \"fix-1\", failed)\n") !=
        std::string::npos);
  CHECK(clean.out.find("elsewhere") == std::string::npos);
  CHECK(!fs::exists(sessions / "left.json"));
  const auto log = read_text(runner_dir(e2e) / "calls.log");
  CHECK(log == "removed left\n");

  auto again = e2e.fanout({"doctor"});
  CHECK(again.out.find("[runner]") == std::string::npos);
}

TEST_CASE("remote runner: doctor and clean say when the runner cannot list what it made", "[runner]") {
  E2e e2e;
  use_fixture_runner(e2e, "list_error = \"the cluster at https://10.0.0.1:6443 did not answer\"\n");
  auto doctor = e2e.fanout({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.exit_code == 1);
  CHECK(doctor.out.find("[runner] fixture-runner: cannot list what it made: the cluster at https://10.0.0.1:6443 did "
                        "not answer\n  fix: fanout config check\n") != std::string::npos);
  auto clean = e2e.fanout({"clean", "--orphans"});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 1);
  CHECK(clean.err.find("fanout: [runner] fixture-runner: cannot list what it made: the cluster at "
                       "https://10.0.0.1:6443 did not answer\n") != std::string::npos);
}
