// codex against the fake codex (tests/fakes/codex): flags, events, edits, failures.

#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using namespace fanout::test::agents;
using Type = sdk::AgentEvent::Type;
using namespace std::chrono_literals;

using Fixture = fanout::test::agents::SessionFixture;
using Outcome = sdk::SessionOutcome;

TEST_CASE("codex: a session edits, commits and reports usage", "[codex]") {
  Fixture f;
  std::ofstream(f.script) << R"({"files": {"lib/a.txt": "a\n"}, "commit": "add a", "text": "finished"})";
  LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
  CHECK(agent.provider().can_resume());
  auto request = f.request("add a", {{"FAKE_AGENT_SCRIPT", f.script.string()}});
  request.permission = sdk::Permission::edit;
  request.model = "gpt-5";
  auto run = agent.run(request);
  REQUIRE(run.result.ok());
  const auto& r = *run.result;
  CHECK(r.outcome == sdk::SessionOutcome::success);
  CHECK(r.text == "finished");
  CHECK(r.session_id.size() == 36);
  CHECK(r.usage.input == 400);
  CHECK(r.usage.cache_read == 800);
  CHECK(r.usage.output == 90);
  CHECK_FALSE(r.cost_usd);
  CHECK(r.turns == 1);
  CHECK(run.texts(Type::tool_use) == std::vector<std::string>{"command", "file_change"});
  CHECK(run.texts(Type::text) == std::vector<std::string>{"finished"});
  CHECK(f.repo.git("log -1 --format=%s") == "add a");

  auto argv = invocations(f.log).at(0)["argv"];
  CHECK(argv[0] == "exec");
  CHECK(argv[1] == "--json");
  CHECK(has_flag(argv, "-m", "gpt-5"));
  CHECK(has_flag(argv, "--sandbox", "workspace-write"));
  CHECK(has_flag(argv, "-C", f.repo.path().string()));
  CHECK(std::find(argv.begin(), argv.end(), "--skip-git-repo-check") == argv.end());
  CHECK(argv.back() == "-");
  CHECK(invocations(f.log).at(0)["stdin"] == "add a");
}

TEST_CASE("codex: a prompt of any size goes through stdin, not argv", "[codex]") {
  Fixture f;
  LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
  check_big_prompt_through_stdin(agent, f.request("replaced"), f.log);
}

TEST_CASE("codex: a resumed thread reports only the tokens of its own turn", "[codex]") {
  Fixture f;
  LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
  // Like codex 0.171.0, the fake's turn.completed after `exec resume` covers the whole
  // thread: 1200/800/90 per turn, so 2400/1600/180 after the second.
  auto first = agent.run(f.request("start"));
  REQUIRE(first.result.ok());
  for (int resumed = 0; resumed < 2; ++resumed) {
    auto request = f.request("go on");
    request.resume_session_id = first.result->session_id;
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->usage.input == 400);
    CHECK(run.result->usage.cache_read == 800);
    CHECK(run.result->usage.output == 90);
    // The streamed usage (what budgets meter live) is the increment too.
    auto usage = std::find_if(run.events.begin(), run.events.end(),
                              [](const sdk::AgentEvent& e) { return e.type == Type::usage; });
    REQUIRE(usage != run.events.end());
    CHECK(usage->usage.output == 90);
  }
}

TEST_CASE("codex: permissions map to sandboxes", "[codex]") {
  Fixture f;
  std::ofstream(f.script) << R"({"files": {"b.txt": "b\n"}})";
  LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
  auto request = f.request("try", {{"FAKE_AGENT_SCRIPT", f.script.string()}});
  SECTION("read_only") {
    REQUIRE(agent.run(request).result.ok());
    CHECK(has_flag(invocations(f.log).at(0)["argv"], "--sandbox", "read-only"));
    CHECK_FALSE(std::filesystem::exists(f.repo.path() / "b.txt"));
  }
  SECTION("full") {
    request.permission = sdk::Permission::full;
    REQUIRE(agent.run(request).result.ok());
    CHECK(has_flag(invocations(f.log).at(0)["argv"], "--sandbox", "danger-full-access"));
  }
}

TEST_CASE("codex: resume, output schema and a workdir outside git", "[codex]") {
  Fixture f;
  LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
  SECTION("resume passes flags before `resume <id>`") {
    auto request = f.request("continue");
    request.resume_session_id = "0199a213-81c0-7800-8aa1-bbab2a035a53";
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->session_id == request.resume_session_id);
    auto argv = invocations(f.log).at(0)["argv"];
    auto n = argv.size();
    CHECK(argv[n - 3] == "resume");
    CHECK(argv[n - 2] == request.resume_session_id);
    CHECK(argv[n - 1] == "-");
    CHECK(invocations(f.log).at(0)["stdin"] == "continue");
  }
  SECTION("output schema through a file, removed afterwards") {
    auto request = f.request("answer");
    request.output_schema = R"({"type":"object"})";
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->text == R"({"answer": "ok"})");
    auto argv = invocations(f.log).at(0)["argv"];
    auto it = std::find(argv.begin(), argv.end(), "--output-schema");
    REQUIRE(it != argv.end());
    CHECK_FALSE(std::filesystem::exists(std::string(*(it + 1))));
  }
  SECTION("outside a git repository") {
    TempRepo plain(false);
    auto request = f.request("look");
    request.workdir = plain.path();
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    auto argv = invocations(f.log).at(0)["argv"];
    CHECK(std::find(argv.begin(), argv.end(), "--skip-git-repo-check") != argv.end());
  }
  SECTION("under an empty .git that a killed codex left behind") {
    TempRepo plain(false);
    std::filesystem::create_directories(plain.path() / ".git");
    std::filesystem::create_directories(plain.path() / "work");
    auto request = f.request("look");
    request.workdir = plain.path() / "work";
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    auto argv = invocations(f.log).at(0)["argv"];
    CHECK(std::find(argv.begin(), argv.end(), "--skip-git-repo-check") != argv.end());
  }
  SECTION("a killed codex's empty sandbox folders are removed; what was there before stays") {
    TempRepo plain(false), tmp(false);
    std::filesystem::create_directories(plain.path() / ".agents");
    std::ofstream(plain.path() / ".agents" / "keep.md") << "mine\n";
    auto request = f.request("look", {{"FAKE_AGENT_MODE", "sandbox_leftovers"}, {"TMPDIR", tmp.path().string()}});
    request.workdir = plain.path();
    request.permission = sdk::Permission::edit;
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::crashed);
    for (const auto& root : {plain.path(), tmp.path()})
      for (const char* name : {".git", ".codex"}) CHECK_FALSE(std::filesystem::exists(root / name));
    CHECK_FALSE(std::filesystem::exists(tmp.path() / ".agents"));
    CHECK(std::filesystem::exists(plain.path() / ".agents" / "keep.md"));
  }
  SECTION("in a linked worktree (.git is a file naming the git dir)") {
    auto linked = f.home.path() / "linked";
    f.repo.git("worktree add -q " + linked.string());
    auto request = f.request("look");
    request.workdir = linked;
    REQUIRE(agent.run(request).result.ok());
    auto argv = invocations(f.log).at(0)["argv"];
    CHECK(std::find(argv.begin(), argv.end(), "--skip-git-repo-check") == argv.end());
  }
}

TEST_CASE("codex: each failure of the agent has its outcome", "[codex]") {
  Fixture f;
  LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
  check_modes(agent, f,
              {
                  {"turn.failed with exit code 0", "turn_failed", Outcome::error,
                   "stream disconnected before completion"},
                  {"a transient error event is not fatal", "transient_error", Outcome::success},
                  {"a stream without turn.completed", "truncated", Outcome::no_result,
                   "codex's output ended without turn.completed"},
                  {"garbage lines are counted", "garbage", Outcome::success, {}, 1},
                  {"a flood of garbage is fatal", "flood", Outcome::error,
                   "codex output is not JSON events: 201 of 203 lines were not JSON"},
                  {"a crash", "crash", Outcome::crashed, "codex was killed by signal 11 (Segmentation fault)"},
                  {"unauthorized", "auth", Outcome::auth,
                   "unexpected status 401 Unauthorized: Missing bearer or basic authentication in header (check "
                   "OPENAI_API_KEY or the CLI's own login: the credentials were missing or refused)"},
                  {"rate limited", "rate_limit", Outcome::rate_limited},
                  {"overloaded (529) is rate_limited, as for claude", "overloaded", Outcome::rate_limited,
                   "exceeded retry limit, last status: 529 Overloaded (the model API is rate limiting or overloaded: "
                   "try again later)"},
                  {"a missing OPENAI_API_KEY is auth", "missing_key", Outcome::auth,
                   "Error: Missing environment variable: `OPENAI_API_KEY`."},
              });
}

TEST_CASE("codex: a hung codex is killed at the timeout, with its whole group", "[codex]") {
  Fixture f;
  auto pidfile = f.home.path() / "grandchild.pid";
  auto request = f.request("hang", {{"FAKE_AGENT_MODE", "hang_spawn"}, {"FAKE_AGENT_PIDFILE", pidfile.string()}});
  SECTION("the request's timeout") {
    LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
    request.timeout = 1s;
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::timeout);
  }
  SECTION("default_timeout when the request has none") {
    LoadedAgent agent("codex", {{"default_timeout", 1000}}, f.repo.path());
    auto run = agent.run(request);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::timeout);
  }
  SECTION("cancel") {
    LoadedAgent agent("codex", nlohmann::json::object(), f.repo.path());
    auto run = run_cancelled_once(agent, request, pidfile);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::cancelled);
  }
  check_grandchild_gone(pidfile);
}

TEST_CASE("codex: a missing codex is not_found; argument errors are crashes with the message", "[codex]") {
  Fixture f;
  SECTION("missing") {
    LoadedAgent agent("codex", {{"command", "codex-not-installed"}}, f.repo.path());
    auto run = agent.run(f.request("hi"));
    REQUIRE_FALSE(run.result.ok());
    CHECK(run.result.failure().message == "executable \"codex-not-installed\" not found on PATH");
  }
  SECTION("a deprecated flag in args") {
    LoadedAgent agent("codex", {{"args", {"--full-auto"}}}, f.repo.path());
    auto run = agent.run(f.request("hi"));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::crashed);
    CHECK(run.result->text == "codex exited with code 2 without completing a turn: error: unexpected argument "
                              "'--full-auto' found\n\nUsage: codex exec [OPTIONS] [PROMPT]\n\nFor more "
                              "information, try '--help'.");
  }
}
