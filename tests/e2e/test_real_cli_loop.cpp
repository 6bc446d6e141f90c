// The whole loop with the REAL agent CLIs against the fake model servers: the three provider
// pairings end `done` with a parsed verdict, a fix round resumes the builder and costs what
// the server billed for it, and Ctrl-C or a timeout leave nothing the agent started running.

#include "real_loop_helpers.hpp"

#include "tests/support/process_list.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>

using namespace fanout::test;
using nlohmann::json;

namespace {

/// Scripts plan, build (writes and commits greeting.txt) and an approving review.
void script_happy_run(RealLoop& loop) {
  auto& builder = loop.api(loop.builder);
  builder.push(ModelTurn::answer("1. add greeting.txt saying hello", {800, 40}));
  script_build(builder, "greeting.txt", "hello\n", {1000, 50});
  script_review(loop.api(loop.reviewer), "approve");
}

void check_done_with_verdict(RealLoop& loop, const Ran& ran, const std::string& verdict) {
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  auto run = loop.status();
  INFO(run.dump(2));
  CHECK(run["state"] == "done");
  REQUIRE(run["reviews"].size() == 1);
  CHECK(run["reviews"][0]["verdict"] == verdict);
  CHECK(loop.branch_file("greeting.txt") == "hello\n");
  CHECK(loop.github.pulls().size() == 1);
  // The issue reached the builder; the diff reached the reviewer; nothing unscripted.
  CHECK(loop.api(loop.builder).saw_text("add a greeting"));
  CHECK(loop.api(loop.reviewer).saw_text("greeting.txt"));
  CHECK(loop.claude_api.unscripted() == 0);
  CHECK(loop.codex_api.unscripted() == 0);
  CHECK(loop.claude_api.pending() == 0);
  CHECK(loop.codex_api.pending() == 0);
}

} // namespace

TEST_CASE("real loop: claude builds and claude reviews: the run ends done with the parsed verdict", "[e2e][real-cli]") {
  RealLoop loop("claude-code", "claude-code");
  script_happy_run(loop);
  check_done_with_verdict(loop, loop.fanout({"run", "1"}), "approve");
}

TEST_CASE("real loop: claude builds and codex reviews: the run ends done with the parsed verdict", "[e2e][real-cli]") {
  RealLoop loop("claude-code", "codex");
  script_happy_run(loop);
  check_done_with_verdict(loop, loop.fanout({"run", "1"}), "approve");
}

TEST_CASE("real loop: codex builds and claude reviews: the run ends done with the parsed verdict", "[e2e][real-cli]") {
  RealLoop loop("codex", "claude-code");
  script_happy_run(loop);
  check_done_with_verdict(loop, loop.fanout({"run", "1"}), "approve");
}

TEST_CASE("real loop: a fix round resumes the builder and costs what the server billed for it", "[e2e][real-cli]") {
  for (std::string builder : {"claude-code", "codex"}) {
    SECTION(builder) {
      RealLoop loop(builder, "claude-code");
      auto& api = loop.api(builder);
      auto& reviews = loop.claude_api;
      api.push(ModelTurn::answer("1. add greeting.txt saying hello", {800, 40})); // plan: builder turn 0
      script_build(api, "greeting.txt", "hello\n", {1000, 50});                   // build: 1-3
      script_review(reviews, "request_changes",
                    json::array({{{"severity", "critical"},
                                  {"file", "greeting.txt"},
                                  {"line", 1},
                                  {"message", "say hello to the world"},
                                  {"detail", "the issue asks for a greeting"}}}));
      script_build(api, "world.txt", "hello world\n", {3000, 70});
      script_review(reviews, "approve");
      // The builder's turns: plan 0, build 1-3, fix next; claude's reviews share its queue.
      const size_t fix_from = builder == "codex" ? 4 : 5;

      auto ran = loop.fanout({"run", "1"});
      INFO(ran.out << ran.err);
      CHECK(ran.exit_code == 0);
      auto run = loop.status();
      INFO(run.dump(2));
      CHECK(run["state"] == "done");
      CHECK(loop.branch_file("world.txt") == "hello world\n");
      REQUIRE(api.billed_turns() == fix_from + 3 + (builder == "codex" ? 0 : 1));

      // The fix resumed the build's session: the CLI sent the build's conversation along,
      // and the findings (never the reviewer's transcript) arrived.
      auto fix_request = api.turn_requests()[fix_from].body;
      CHECK(fix_request.find("added greeting.txt") != std::string::npos);
      CHECK(fix_request.find("say hello to the world") != std::string::npos);
      auto build = loop.transcript("build");
      auto fix = loop.transcript("fix-1");
      REQUIRE(!build.empty());
      REQUIRE(!fix.empty());
      CHECK(fix.front().value("resume_session_id", std::string()) == build.back().value("session_id", std::string()));

      // Each session's usage is its own increment: the fix round's is what the server billed
      // for the fix's three turns (claude's cost too; codex reports none), and the run's
      // total is everything billed.
      auto fix_bill = api.billed(fix_from, 3);
      CHECK(fix.back()["tokens"]["input"] == fix_bill.input_tokens);
      CHECK(fix.back()["tokens"]["output"] == fix_bill.output_tokens);
      if (builder == "claude-code") {
        CHECK(fix.back()["cost_usd"].get<double>() == Approx(fix_bill.cost_usd));
        CHECK(run["cost_usd"].get<double>() == Approx(api.billed().cost_usd));
      } else {
        CHECK(run["tokens"] == api.billed().input_tokens + api.billed().output_tokens +
                                   reviews.billed().input_tokens + reviews.billed().output_tokens);
      }
    }
  }
}

TEST_CASE("real loop: Ctrl-C stops the agent and every process its tools started", "[e2e][real-cli]") {
  for (std::string builder : {"claude-code", "codex"})
    for (int presses : {1, 2}) {
      // Twice: the second Ctrl-C does not wait for the agents to clean up after themselves.
      SECTION(builder + (presses == 1 ? ", Ctrl-C once" : ", Ctrl-C twice")) {
        RealLoop loop(builder, "claude-code");
        auto& api = loop.api(builder);
        api.push(ModelTurn::answer("1. wait", {800, 40}));
        api.push(ModelTurn::shell("(sleep 987651 &) ; sleep 987652 & sleep 987653"));
        api.push(ModelTurn::hang()); // codex hands the running command back to the model
        auto pid = loop.start({"run", "1"});
        REQUIRE(await_true("a process running \"sleep 987653\"", [] { return !processes_with("sleep 987653").empty(); }, std::chrono::seconds(60)));
        for (int i = 0; i < presses; ++i) ::kill(pid, SIGINT);
        auto ran = loop.wait(pid);
        INFO(ran.out << ran.err);
        CHECK(ran.exit_code == 130);
        bool gone = await_true("no process running \"sleep 98765\"", [] { return processes_with("sleep 98765").empty(); }, std::chrono::seconds(10));
        auto left = processes_with("sleep 98765");
        kill_all(left);
        CHECK(gone);
        CHECK(left.empty());
      }
    }
}

TEST_CASE("real loop: a rejected API key fails the run at its first session with the variable to check",
          "[e2e][real-cli]") {
  for (std::string builder : {"claude-code", "codex"}) {
    SECTION(builder) {
      RealLoop loop(builder, "claude-code");
      loop.api(builder).push(ModelTurn::unauthorized().times(-1));
      auto ran = loop.fanout({"run", "1"});
      INFO(ran.out << ran.err);
      CHECK(ran.exit_code == 1);
      auto run = loop.status();
      INFO(run.dump(2));
      CHECK(run["state"] == "failed");
      CHECK(run["stage"] == "plan");
      auto error = run["error"].get<std::string>();
      CHECK(error.find("auth") != std::string::npos);
      CHECK(error.find(builder == "codex" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY") != std::string::npos);
    }
  }
}

TEST_CASE("real loop: a build timeout stops the agent and every process its tools started", "[e2e][real-cli]") {
  for (std::string builder : {"claude-code", "codex"}) {
    SECTION(builder) {
      RealLoop loop(builder, "claude-code");
      loop.append_config("build_timeout = \"10s\"\n");
      auto& api = loop.api(builder);
      api.push(ModelTurn::answer("1. wait", {800, 40}));
      api.push(ModelTurn::shell("(sleep 987661 &) ; sleep 987662 & sleep 987663"));
      api.push(ModelTurn::hang()); // codex hands the running command back to the model
      auto pid = loop.start({"run", "1"});
      REQUIRE(await_true("a process running \"sleep 987663\"", [] { return !processes_with("sleep 987663").empty(); }, std::chrono::seconds(60)));
      auto ran = loop.wait(pid);
      INFO(ran.out << ran.err);
      CHECK(ran.exit_code == 1);
      auto run = loop.status();
      CHECK(run["state"] == "failed");
      CHECK(run["stage"] == "build");
      CHECK(run["error"].get<std::string>().find("timed out") != std::string::npos);
      bool gone = await_true("no process running \"sleep 98766\"", [] { return processes_with("sleep 98766").empty(); }, std::chrono::seconds(10));
      auto left = processes_with("sleep 98766");
      kill_all(left);
      CHECK(gone);
      CHECK(left.empty());
    }
  }
}

TEST_CASE("real loop: an agent killed outright (OOM) leaves none of its tool processes running", "[e2e][real-cli]") {
  for (std::string builder : {"claude-code", "codex"}) {
    SECTION(builder) {
      RealLoop loop(builder, "claude-code");
      auto& api = loop.api(builder);
      api.push(ModelTurn::answer("1. wait", {800, 40}));
      api.push(ModelTurn::shell("(sleep 987671 &) ; sleep 987672 & sleep 987673"));
      api.push(ModelTurn::hang());
      auto pid = loop.start({"run", "1"});
      REQUIRE(await_true("a process running \"sleep 987673\"", [] { return !processes_with("sleep 987673").empty(); }, std::chrono::seconds(60)));
      // The agent itself, as the kernel's OOM killer would: SIGKILL, no chance to clean up.
      // Only this test's agent: other tests may run these CLIs at the same time.
      auto agents = processes_with(builder == "codex" ? "exec" : "stream-json", loop.root);
      REQUIRE(!agents.empty());
      kill_all(agents);
      auto ran = loop.wait(pid);
      INFO(ran.out << ran.err);
      CHECK(ran.exit_code == 1);
      CHECK(loop.status()["state"] == "failed");
      bool gone = await_true("no process running \"sleep 98767\"", [] { return processes_with("sleep 98767").empty(); }, std::chrono::seconds(10));
      auto left = processes_with("sleep 98767");
      kill_all(left);
      CHECK(gone);
      CHECK(left.empty());
    }
  }
}
