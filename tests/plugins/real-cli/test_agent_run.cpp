// `fanout agent run` with the REAL claude and codex (pinned, installed by scripts/setup.sh)
// against the fake model server: the conversation is scripted, the CLI does the rest.

#include "real_cli_helpers.hpp"

#include "tests/support/real_agents.hpp"

#include <catch2/catch.hpp>

using namespace fanout::test;
using namespace fanout::test::real_cli;

TEST_CASE("real claude: agent run edits and commits through tool calls and reports what the server billed",
          "[real-cli][claude]") {
  Session s;
  s.api.push(ModelTurn::write_file((s.repo.path() / "hello.txt").string(), "hello\n", {1200, 40}));
  s.api.push(ModelTurn::shell(commit_command("add hello"), {1300, 30}));
  s.api.push(ModelTurn::answer("added hello.txt", {1400, 20}));

  auto run = s.agent_run("claude-code", {"--permission", "edit"}, "add a hello file");
  INFO(run.out << run.err);
  REQUIRE(run.rc == 0);
  CHECK(run.result["ok"] == true);
  CHECK(run.result["text"] == "added hello.txt");
  CHECK(s.repo.git("log -1 --format=%s") == "add hello");
  CHECK(s.repo.git("show HEAD:hello.txt") == "hello");
  // The prompt reached the model; every request was scripted.
  CHECK(s.api.saw_text("add a hello file"));
  CHECK(s.api.unscripted() == 0);
  CHECK(s.api.pending() == 0);
  auto bill = s.api.billed();
  CHECK(bill.turns == 3);
  CHECK(run.result["tokens"]["input"] == bill.input_tokens);
  CHECK(run.result["tokens"]["output"] == bill.output_tokens);
  CHECK(run.result["cost_usd"].get<double>() == Approx(bill.cost_usd));
}

TEST_CASE("real codex: agent run with full permission edits and commits through tool calls and reports the "
          "billed tokens",
          "[real-cli][codex]") {
  Session s;
  s.api.push(ModelTurn::write_file("hello.txt", "hello\n", {1200, 40}));
  s.api.push(ModelTurn::shell(commit_command("add hello"), {1300, 30}));
  s.api.push(ModelTurn::answer("added hello.txt", {1400, 20}));

  auto run = s.agent_run("codex", {"--permission", "full"}, "add a hello file");
  INFO(run.out << run.err);
  REQUIRE(run.rc == 0);
  CHECK(run.result["ok"] == true);
  CHECK(run.result["text"] == "added hello.txt");
  CHECK(s.repo.git("show HEAD:hello.txt") == "hello");
  CHECK(s.repo.git("log -1 --format=%s") == "add hello");
  CHECK(s.api.saw_text("add a hello file"));
  CHECK(s.api.unscripted() == 0);
  auto bill = s.api.billed();
  CHECK(bill.turns == 3);
  CHECK(run.result["tokens"]["input"] == bill.input_tokens);
  CHECK(run.result["tokens"]["output"] == bill.output_tokens);
  CHECK(run.result["cost_usd"].is_null()); // codex reports no cost
}

TEST_CASE("real codex: agent run with edit permission writes the worktree but its sandbox keeps git's files read-only",
          "[real-cli][codex]") {
  Session s;
  s.api.push(ModelTurn::write_file("hello.txt", "hello\n"));
  s.api.push(ModelTurn::shell(commit_command("add hello")));
  s.api.push(ModelTurn::answer("added hello.txt"));

  auto run = s.agent_run("codex", {"--permission", "edit"}, "add a hello file");
  INFO(run.out << run.err);
  REQUIRE(run.rc == 0);
  CHECK(s.repo.git("status --porcelain") == "?? hello.txt");
  CHECK(s.repo.git("log -1 --format=%s") == "initial");
  // What the model saw: git could not write its index. In `fanout run`, fanout commits
  // what a build left uncommitted (docs/agents.md).
  CHECK(s.api.saw_text("index.lock"));
}

TEST_CASE("real CLIs: a read-only session cannot write the worktree, whatever the model asks", "[real-cli]") {
  for (std::string provider : {"claude-code", "codex"}) {
    SECTION(provider) {
      Session s;
      s.api.push(ModelTurn::write_file((s.repo.path() / "sneaky.txt").string(), "written\n"));
      s.api.push(ModelTurn::shell("echo written > sneaky2.txt"));
      s.api.push(ModelTurn::answer("tried"));
      auto run = s.agent_run(provider, {"--permission", "read_only"}, "look but do not touch");
      INFO(run.out << run.err);
      CHECK(run.rc == 0);
      CHECK_FALSE(std::filesystem::exists(s.repo.path() / "sneaky.txt"));
      CHECK_FALSE(std::filesystem::exists(s.repo.path() / "sneaky2.txt"));
      CHECK(s.repo.git("status --porcelain").empty());
      CHECK(s.api.pending() == 0); // both tool calls were made and answered
      CHECK(s.api.unscripted() == 0);
    }
  }
}
