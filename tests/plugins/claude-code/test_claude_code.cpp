// claude-code against the fake claude (tests/fakes/claude): flags, events, edits, failures.

#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <thread>
#include <signal.h>

using namespace fanout;
using namespace fanout::test::agents;
using Type = sdk::AgentEvent::Type;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  TempRepo repo;
  TempRepo home{false};
  std::filesystem::path log = home.path() / "invocations.jsonl";
  std::filesystem::path script = home.path() / "script.json";

  sdk::SessionRequest request(const std::string& prompt, std::map<std::string, std::string> env = {}) {
    sdk::SessionRequest r;
    r.prompt = prompt;
    r.workdir = repo.path();
    env["FAKE_AGENT_LOG"] = log.string();
    r.env = fake_env(home.path(), env);
    return r;
  }
  void write_script(const nlohmann::json& content) { std::ofstream(script) << content.dump(); }
};

} // namespace

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
  SECTION("read_only: default mode, edit tools disallowed, nothing written") {
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    CHECK(run.result->session_id == request.resume_session_id);
    CHECK(run.result->text == R"({"answer":"ok"})");
    auto argv = invocations(f.log).at(0)["argv"];
    CHECK(argv[0] == "-p");
    CHECK(argv[1] == "review this");
    CHECK(has_flag(argv, "--output-format", "stream-json"));
    CHECK(std::find(argv.begin(), argv.end(), "--verbose") != argv.end());
    CHECK(has_flag(argv, "--model", "sonnet"));
    CHECK(has_flag(argv, "--permission-mode", "default"));
    CHECK(std::find(argv.begin(), argv.end(), "--disallowedTools=Edit,MultiEdit,Write,NotebookEdit") != argv.end());
    CHECK(std::find(argv.begin(), argv.end(),
                    "--allowedTools=Read,Grep,Glob,LS,Bash(git diff:*),Bash(git log:*),Bash(git show:*),"
                    "Bash(git status:*)") != argv.end()); // allowed_tools never widen a read-only session
    CHECK(has_flag(argv, "--max-turns", "5"));
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
  SECTION("full: bypassPermissions") {
    request.permission = sdk::Permission::full;
    REQUIRE(agent.run(request).result.ok());
    CHECK(has_flag(invocations(f.log).at(0)["argv"], "--permission-mode", "bypassPermissions"));
  }
  SECTION("a prompt starting with a dash goes after --") {
    request.prompt = "-v is not a flag here";
    REQUIRE(agent.run(request).result.ok());
    auto argv = invocations(f.log).at(0)["argv"];
    CHECK(argv[argv.size() - 2] == "--");
    CHECK(argv.back() == "-v is not a flag here");
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
  auto run_mode = [&](const std::string& mode) {
    auto run = agent.run(f.request("do it", {{"FAKE_AGENT_MODE", mode}}));
    REQUIRE(run.result.ok());
    return *run.result;
  };
  SECTION("is_error with a success subtype and exit 0 is an error") {
    auto r = run_mode("is_error");
    CHECK(r.outcome == sdk::SessionOutcome::error);
    CHECK(r.text == "API Error: 500 Internal server error");
  }
  SECTION("error_max_turns") { CHECK(run_mode("max_turns").outcome == sdk::SessionOutcome::max_turns); }
  SECTION("error_max_budget_usd") { CHECK(run_mode("max_budget").outcome == sdk::SessionOutcome::budget); }
  SECTION("error_during_execution") {
    auto r = run_mode("during_execution");
    CHECK(r.outcome == sdk::SessionOutcome::error);
    CHECK(r.text == "claude reported error_during_execution");
  }
  SECTION("a stream without a result") {
    auto r = run_mode("truncated");
    CHECK(r.outcome == sdk::SessionOutcome::no_result);
    CHECK(r.text == "claude's output ended without a result event");
  }
  SECTION("a few garbage lines are counted, not fatal") {
    auto r = run_mode("garbage");
    CHECK(r.outcome == sdk::SessionOutcome::success);
    CHECK(r.garbage_lines == 2);
  }
  SECTION("a flood of garbage is fatal") {
    auto r = run_mode("flood");
    CHECK(r.outcome == sdk::SessionOutcome::error);
    CHECK(r.text == "claude output is not stream-json: 201 of 202 lines were not JSON events");
  }
  SECTION("a crash") {
    auto r = run_mode("crash");
    CHECK(r.outcome == sdk::SessionOutcome::crashed);
    CHECK(r.text == "claude was killed by signal 11 (Segmentation fault)");
  }
  SECTION("not logged in") {
    auto r = run_mode("auth");
    CHECK(r.outcome == sdk::SessionOutcome::auth);
    CHECK(r.text == "Not logged in · Please run /login");
  }
  SECTION("an invalid key reported on stderr only") {
    auto r = run_mode("auth_text");
    CHECK(r.outcome == sdk::SessionOutcome::auth);
    CHECK(r.text == "Invalid API key · Please run /login");
  }
  SECTION("rate limited") { CHECK(run_mode("rate_limit").outcome == sdk::SessionOutcome::rate_limited); }
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
    sdk::CancelToken cancel;
    request.timeout = 20s; // a safety net only
    std::thread canceller([&] {
      for (int i = 0; i < 1000 && !std::filesystem::exists(pidfile); ++i) std::this_thread::sleep_for(10ms);
      cancel.cancel();
    });
    auto run = agent.run(request, cancel);
    canceller.join();
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::cancelled);
    CHECK(run.result->duration < 10s);
  }
  int grandchild = 0;
  std::ifstream(pidfile) >> grandchild;
  REQUIRE(grandchild > 0);
  CHECK(await_process_gone(grandchild));
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
  f.repo.write(".claude/commands/review-pr.md", "---\ndescription: review\n---\nReview PR $1 carefully: $ARGUMENTS\n");
  LoadedAgent agent("claude-code", nlohmann::json::object(), f.repo.path());
  SECTION("not listed: restarted with the command's body") {
    auto run = agent.run(f.request("/review-pr 12 fast"));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    CHECK(run.result->text == "done: Review PR 12 carefully: 12 fast");
    auto calls = invocations(f.log);
    REQUIRE(calls.size() == 2);
    CHECK(calls[0]["argv"][1] == "/review-pr 12 fast");
    CHECK(calls[1]["argv"][1] == "Review PR 12 carefully: 12 fast\n");
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
