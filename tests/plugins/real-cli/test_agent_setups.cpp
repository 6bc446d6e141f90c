// `fanout agent run` with the real CLIs in the setups a user hits first: run from outside the
// repository, as root, with a project slash command, without an API key, and what a killed
// codex leaves behind.

#include "real_cli_helpers.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process_list.hpp"
#include "tests/support/real_agents.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

using namespace fanout::test;
using namespace fanout::test::real_cli;
namespace fs = std::filesystem;

TEST_CASE("real CLIs: agent run --workdir works from a directory outside any repository", "[real-cli]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      Session s;
      s.api.push(ModelTurn::answer("ran in the workdir"));
      auto model = provider == "codex" ? real_agents::k_codex_model : real_agents::k_claude_model;
      auto run = run_fanout({"agent", "run", "--json", "--provider", provider, "--model", model, "--workdir",
                             s.repo.path().string(), "say where you are"},
                            s.home.path(), s.env(provider), s.home.path() / "stderr.txt");
      INFO(run.out << run.err);
      CHECK(run.rc == 0);
      CHECK(run.result["text"] == "ran in the workdir");
      CHECK(s.api.saw_text("say where you are"));
    }
  }
}

TEST_CASE("real claude: full permission as root is refused before the session starts, with the fix",
          "[real-cli][claude]") {
  Session s;
  s.api.push(ModelTurn::shell(commit_command("as anyone") + " --allow-empty"));
  s.api.push(ModelTurn::answer("done"));
  auto run = s.agent_run("claude-code", {"--permission", "full"}, "commit something");
  INFO(run.out << run.err);
  if (::geteuid() == 0) {
    // claude refuses --dangerously-skip-permissions as root: fanout says so before starting.
    CHECK(run.rc != 0);
    CHECK(s.api.requests().empty());
    CHECK((run.out + run.err).find("root") != std::string::npos);
    CHECK((run.out + run.err).find("edit") != std::string::npos);
  } else {
    CHECK(run.rc == 0);
    CHECK(s.repo.git("log -1 --format=%s") == "as anyone");
  }
}

TEST_CASE("real claude: a slash command gets the same arguments whether claude or fanout expands it",
          "[real-cli][claude]") {
  // claude 2.1.332 numbers words from $0 and $ARGUMENTS[0]; a number past the last word
  // stays as written.
  const std::string expanded = "Greet alice from bob; all: alice bob; second: bob; none: $2.";
  for (bool bare : {false, true}) {
    SECTION(bare ? "--bare: claude lists no commands, fanout inlines it" : "claude expands it") {
      Session s;
      s.repo.write(".claude/commands/greet.md",
                   "Greet $0 from $1; all: $ARGUMENTS; second: $ARGUMENTS[1]; none: $2.\n");
      if (bare) s.repo.write("fanout.toml", "[agent.claude-code]\nbare = true\n");
      s.api.push(ModelTurn::answer("greeted"));
      auto run = s.agent_run("claude-code", {}, "/greet alice bob");
      INFO(run.out << run.err);
      CHECK(run.rc == 0);
      CHECK(s.api.saw_text(expanded));
    }
  }
}

TEST_CASE("real CLIs: no API key is an auth failure that names the variable to set", "[real-cli][errors]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      Session s;
      auto env = s.env(provider);
      std::string variable = provider == "codex" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY";
      env.erase(variable);
      auto run = s.agent_run(provider, {}, "say hello", env);
      INFO(run.out << run.err);
      CHECK(run.rc == 1);
      CHECK(run.result["kind"] == "auth");
      CHECK(run.result.value("text", std::string()).find(variable) != std::string::npos);
      CHECK(s.api.requests().empty());
    }
  }
}

TEST_CASE("real codex: a codex killed mid-command leaves no empty .git, .codex or .agents in its writable roots",
          "[real-cli][codex]") {
  Session s;
  agents::TempRepo tmp(false), plain(false);
  // Killed while its sandbox runs a command: that is when codex has made its mount points.
  s.api.push(ModelTurn::shell("sleep 987681"));
  s.api.push(ModelTurn::hang());
  std::vector<std::string> env;
  for (const auto& [key, value] : s.env("codex", {{"TMPDIR", tmp.path().string()}})) env.push_back(key + "=" + value);
  auto pid = spawn({fanout_executable().string(), "-C", s.repo.path().string(), "agent", "run", "--json", "--provider",
                    "codex", "--model", real_agents::k_codex_model, "--permission", "edit", "--workdir",
                    plain.path().string(), "wait"},
                   env, s.home.path() / "out.txt", s.home.path() / "err.txt");
  bool running = await_true("a process running \"sleep 987681\"", [] { return !processes_with("sleep 987681").empty(); }, std::chrono::seconds(60));
  // SIGKILL, as the OOM killer or a second Ctrl-C after the grace period would: codex gets
  // no chance to remove what it made.
  auto codex = processes_with(" exec ", plain.path());
  kill_all(codex);
  auto exit_code = wait_exit(pid);
  INFO(sh("cat out.txt err.txt", s.home.path()).out);
  REQUIRE(running);
  REQUIRE(!codex.empty());
  CHECK(exit_code == 1);
  bool gone = await_true("no process running \"sleep 987681\"", [] { return processes_with("sleep 987681").empty(); }, std::chrono::seconds(10));
  kill_all(processes_with("sleep 987681"));
  CHECK(gone);
  for (const auto& root : {tmp.path(), plain.path()})
    for (const char* stray : {".git", ".codex", ".agents"}) {
      INFO(root / stray);
      CHECK_FALSE(fs::exists(root / stray));
    }
}
