// claude-code against the fake claude (tests/fakes/claude): flags, events, edits, failures.

#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <signal.h>
#include <unistd.h>

using namespace fanout;
using namespace fanout::test::agents;
using Type = sdk::AgentEvent::Type;
using namespace std::chrono_literals;

using Fixture = fanout::test::agents::SessionFixture;
using Outcome = sdk::SessionOutcome;

TEST_CASE("claude-code: a session edits, commits and reports the result", "[claude-code]") {
  Fixture f;
  f.write_script({{"files", {{"src/hello.txt", "hello\n"}}}, {"commit", "add hello"}, {"text", "all done"}});
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  CHECK(agent.provider().can_resume());
  auto request = f.request("add a hello file", {{"FAKE_AGENT_SCRIPT", f.script.string()}});
  request.permission = sdk::Permission::edit;
  auto run = agent.run(request);
  REQUIRE(run.result.ok());
  const auto& result = *run.result;
  CHECK(result.outcome == sdk::SessionOutcome::success);
  CHECK(result.text == "all done");
  CHECK(result.session_id.size() == 36);
  CHECK(result.usage.input == 30);
  CHECK(result.usage.output == 15);
  CHECK(result.usage.cache_read == 300);
  CHECK(result.usage.cache_write == 60);
  REQUIRE(result.cost_usd);
  CHECK(*result.cost_usd == Approx(0.0123));
  CHECK(result.turns == 4);
  CHECK(result.garbage_lines == 0);
  CHECK(run.texts(Type::tool_use) == std::vector<std::string>{"Write", "Bash"});
  CHECK(run.texts(Type::text) == std::vector<std::string>{"Working on it.", "all done"});
  CHECK(run.texts(Type::tool_result).size() == 2);
  CHECK(f.repo.git("log -1 --format=%s") == "add hello");
  CHECK(std::filesystem::exists(f.repo.path() / "src/hello.txt"));
  for (const auto& e : run.events) CHECK_FALSE((e.raw.empty() && e.type == Type::text));
}

TEST_CASE("claude-code: passes the documented flags for each permission", "[claude-code]") {
  Fixture f;
  f.write_script({{"files", {{"x.txt", "x\n"}}}, {"commit", "x"}});
  LoadedAgent agent("claude-code", {{"allowed_tools", {"WebFetch"}}, {"args", {"--bare"}}}, f.repo.path());
  auto request = f.request("review this", {{"FAKE_AGENT_SCRIPT", f.script.string()}});
  request.model = "sonnet";
  request.max_turns = 5;
  request.max_cost_usd = 1.5;
  request.append_system_prompt = "be brief";
  request.resume_session_id = "0e63d1a2-1111-2222-3333-444455556666";
  request.output_schema = R"({"type": "object"})";
  SECTION("read_only: dontAsk mode, edit tools disallowed, nothing written") {
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    CHECK(run.result->session_id == request.resume_session_id);
    CHECK(run.result->text == R"({"answer":"ok"})");
    auto call = invocations(f.log).at(0);
    auto argv = call["argv"];
    CHECK(argv[0] == "-p");
    CHECK(argv[1] == "--output-format");
    CHECK(call["stdin"] == "review this");
    CHECK(has_flag(argv, "--output-format", "stream-json"));
    CHECK(std::find(argv.begin(), argv.end(), "--verbose") != argv.end());
    CHECK(has_flag(argv, "--model", "sonnet"));
    CHECK(has_flag(argv, "--permission-mode", "dontAsk"));
    CHECK(std::find(argv.begin(), argv.end(), "--disallowedTools=Edit,MultiEdit,Write,NotebookEdit") != argv.end());
    CHECK(std::find(argv.begin(), argv.end(),
                    "--allowedTools=Read,Grep,Glob,LS,Bash(git diff:*),Bash(git log:*),Bash(git show:*),"
                    "Bash(git status:*)") != argv.end()); // allowed_tools never widen a read-only session
    CHECK(std::find(argv.begin(), argv.end(), "--max-turns") == argv.end()); // not a listed option
    CHECK(has_flag(argv, "--max-budget-usd", "1.5"));
    CHECK(has_flag(argv, "--append-system-prompt", "be brief"));
    CHECK(has_flag(argv, "--resume", request.resume_session_id));
    CHECK(has_flag(argv, "--json-schema", R"({"type":"object"})"));
    CHECK(argv.back() == "--bare");
    CHECK_FALSE(std::filesystem::exists(f.repo.path() / "x.txt"));
  }
  SECTION("edit: acceptEdits") {
    request.permission = sdk::Permission::edit;
    REQUIRE(agent.run(request).result.ok());
    auto argv = invocations(f.log).at(0)["argv"];
    CHECK(has_flag(argv, "--permission-mode", "acceptEdits"));
    CHECK(std::find(argv.begin(), argv.end(),
                    "--allowedTools=Bash,Read,Grep,Glob,LS,Edit,MultiEdit,Write,NotebookEdit,WebFetch") != argv.end());
    CHECK(std::filesystem::exists(f.repo.path() / "x.txt"));
  }
  SECTION("full: bypassPermissions, refused before starting as root") {
    request.permission = sdk::Permission::full;
    auto run = agent.run(request);
    if (geteuid() == 0) {
      REQUIRE_FALSE(run.result.ok());
      CHECK(run.result.failure().kind == sdk::FailureKind::unsupported);
      CHECK(run.result.failure().message ==
            "permission \"full\" cannot be used as root: claude refuses bypassPermissions under root or sudo. Run "
            "fanout as a non-root user, use permission \"edit\", or, when the machine is itself a sandbox (a "
            "throwaway container), set IS_SANDBOX = \"1\" in [agent.claude-code] env");
      CHECK(invocations(f.log).empty());
      request.env["IS_SANDBOX"] = "1";
      run = agent.run(request);
    }
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    CHECK(has_flag(invocations(f.log).at(0)["argv"], "--permission-mode", "bypassPermissions"));
  }
  SECTION("a schema's \"$schema\" key is not passed (claude rejects the 2020-12 meta-schema)") {
    request.output_schema = R"({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"})";
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    CHECK(has_flag(invocations(f.log).at(0)["argv"], "--json-schema", R"({"type":"object"})"));
  }
}

TEST_CASE("claude-code: a prompt of any size goes through stdin, not argv", "[claude-code]") {
  Fixture f;
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  check_big_prompt_through_stdin(agent, f.request("replaced"), f.log);
}

TEST_CASE("claude-code: the turn limit stops the session as max_turns", "[claude-code]") {
  Fixture f;
  f.write_script({{"files", {{"x.txt", "x\n"}}}, {"commit", "x"}, {"text", "done"}});
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  auto request = f.request("do a lot", {{"FAKE_AGENT_SCRIPT", f.script.string()}});
  request.permission = sdk::Permission::edit;
  request.max_turns = 2;
  auto run = agent.run(request);
  REQUIRE(run.result.ok());
  CHECK(run.result->outcome == sdk::SessionOutcome::max_turns);
  CHECK(run.result->text == "stopped after 2 turns (the session's turn limit)");
}

TEST_CASE("claude-code: a resumed session reports only its own cost", "[claude-code]") {
  Fixture f;
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  // The fake bills 0.0123 per call and, like claude 2.1.332, reports the conversation's
  // running total in total_cost_usd (0.0123, 0.0246, 0.0369).
  auto first = agent.run(f.request("start"));
  REQUIRE(first.result.ok());
  REQUIRE(first.result->cost_usd);
  CHECK(*first.result->cost_usd == Approx(0.0123));
  for (int resumed = 0; resumed < 2; ++resumed) {
    auto request = f.request("go on");
    request.resume_session_id = first.result->session_id;
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    REQUIRE(run.result->cost_usd);
    CHECK(*run.result->cost_usd == Approx(0.0123));
    CHECK(run.result->usage.output == 15); // tokens are per call already
  }
  SECTION("in a later fanout process too (the totals are in the plugin's data dir)") {
    LoadedAgent later("claude-code", nlohmann::json::object(), f.repo.path());
    auto request = f.request("once more");
    request.resume_session_id = first.result->session_id;
    auto run = later.run(request);
    REQUIRE(run.result.ok());
    CHECK(*run.result->cost_usd == Approx(0.0123));
  }
}

TEST_CASE("claude-code: the environment is the request's plus config env, without CLAUDECODE", "[claude-code]") {
  Fixture f;
  setenv("GITHUB_TOKEN", "ghp_should_not_leak", 1);
  LoadedAgent agent("claude-code", {{"env", {{"EXTRA", "from-config"}}}}, f.repo.path());
  auto run = agent.run(f.request("hi", {{"CLAUDECODE", "1"}, {"PORT", "4010"}}));
  REQUIRE(run.result.ok());
  auto env = invocations(f.log).at(0)["env"];
  CHECK(env["PORT"] == "4010");
  CHECK(env["EXTRA"] == "from-config");
  CHECK_FALSE(env.contains("CLAUDECODE"));
  CHECK_FALSE(env.contains("GITHUB_TOKEN"));
  CHECK(invocations(f.log).at(0)["cwd"] == f.repo.path().string());
  unsetenv("GITHUB_TOKEN");
}

TEST_CASE("claude-code: each failure of the agent has its outcome", "[claude-code]") {
  Fixture f;
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  check_modes(
      agent, f,
      {
          {"is_error with a success subtype and exit 0 is an error", "is_error", Outcome::error,
           "API Error: 500 Internal server error"},
          {"error_max_turns", "max_turns", Outcome::max_turns},
          {"error_max_budget_usd", "max_budget", Outcome::budget},
          {"error_during_execution", "during_execution", Outcome::error, "claude reported error_during_execution"},
          {"a stream without a result", "truncated", Outcome::no_result,
           "claude's output ended without a result event"},
          {"a few garbage lines are counted, not fatal", "garbage", Outcome::success, {}, 2},
          {"a flood of garbage is fatal", "flood", Outcome::error,
           "claude output is not stream-json: 201 of 202 lines were not JSON events"},
          {"a crash", "crash", Outcome::crashed, "claude was killed by signal 11 (Segmentation fault)"},
          {"not logged in", "auth", Outcome::auth,
           "Not logged in · Please run /login (check ANTHROPIC_API_KEY or the CLI's own login: the "
           "credentials were missing or refused)"},
          {"an invalid key reported on stderr only", "auth_text", Outcome::auth,
           "Invalid API key · Please run /login (check ANTHROPIC_API_KEY or the CLI's own login: the "
           "credentials were missing or refused)"},
          {"rate limited, with the advice to try again later", "rate_limit", Outcome::rate_limited,
           "API Error: Rate limit reached (the model API is rate limiting or overloaded: try again later)"},
          {"overloaded (529) is rate_limited, as for codex", "overloaded", Outcome::rate_limited,
           R"(API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"
           " (the model API is rate limiting or overloaded: try again later)"},
      });
}

TEST_CASE("claude-code: timeout and cancel kill the whole process group", "[claude-code]") {
  Fixture f;
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  auto pidfile = f.home.path() / "grandchild.pid";
  auto request = f.request("hang", {{"FAKE_AGENT_MODE", "hang_spawn"}, {"FAKE_AGENT_PIDFILE", pidfile.string()}});
  SECTION("timeout") {
    request.timeout = 1500ms;
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::timeout);
    CHECK(run.result->text == "timed out after 1 s");
    CHECK_FALSE(run.result->session_id.empty());
  }
  SECTION("cancel") {
    request.timeout = 20s; // a safety net only
    auto run = run_cancelled_once(agent, request, pidfile);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::cancelled);
    CHECK(run.result->duration < 10s);
  }
  check_grandchild_gone(pidfile);
}

TEST_CASE("claude-code: a missing claude is not_found with its name", "[claude-code]") {
  Fixture f;
  LoadedAgent agent("claude-code", {{"command", "claude-not-installed"}}, f.repo.path());
  auto run = agent.run(f.request("hi"));
  REQUIRE_FALSE(run.result.ok());
  CHECK(run.result.failure().kind == sdk::FailureKind::not_found);
  CHECK(run.result.failure().message == "executable \"claude-not-installed\" not found on PATH");
}

TEST_CASE("claude-code: a custom slash command is inlined when claude does not list it", "[claude-code]") {
  Fixture f;
  // claude 2.1.332 numbers arguments from zero: $0 and $ARGUMENTS[0] are the first word.
  f.repo.write(".claude/commands/review-pr.md",
               "---\ndescription: review\n---\nReview PR $0 carefully ($1, $ARGUMENTS[1]): $ARGUMENTS $2\n");
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  SECTION("not listed: restarted with the command's body") {
    auto run = agent.run(f.request("/review-pr 12 fast"));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    CHECK(run.result->text == "done: Review PR 12 carefully (fast, fast): 12 fast $2");
    auto calls = invocations(f.log);
    REQUIRE(calls.size() == 2);
    CHECK(calls[0]["argv"][1] == "/review-pr 12 fast");
    CHECK(calls[1]["stdin"] == "Review PR 12 carefully (fast, fast): 12 fast $2\n"); // no third word: kept
  }
  SECTION("listed: passed through as argv") {
    auto run = agent.run(f.request("/review-pr 12", {{"FAKE_CLAUDE_EXPAND_COMMANDS", "1"}}));
    REQUIRE(run.result.ok());
    CHECK(run.result->text == "ran /review-pr with arguments: 12");
    CHECK(invocations(f.log).size() == 1);
  }
}

TEST_CASE("fake claude: stream-json without --verbose fails like the real one", "[claude-code][fakes]") {
  services::LocalProcessRunner runner(nullptr);
  sdk::ProcessSpec spec;
  spec.argv = {(fake_bin_dir() / "claude").string(), "-p", "hi", "--output-format", "stream-json"};
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  CHECK(result->exit_code == 1);
  CHECK(result->err == "Error: When using --print, --output-format=stream-json requires --verbose\n");
  spec.argv = {(fake_bin_dir() / "claude").string(), "-p", "hi", "--no-such-flag"};
  result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  CHECK(result->exit_code == 1);
  CHECK(result->err == "error: unknown option '--no-such-flag'\n");
}
