// command: any CLI from an argv template; success by exit code, output as text.

#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test::agents;
using Type = sdk::AgentEvent::Type;
using namespace std::chrono_literals;

namespace {

sdk::SessionRequest request(const TempRepo& repo, const std::string& prompt) {
  sdk::SessionRequest r;
  r.prompt = prompt;
  r.workdir = repo.path();
  r.env = {{"PATH", "/usr/bin:/bin"}};
  return r;
}

} // namespace

TEST_CASE("command: placeholders are filled and output becomes text events", "[command]") {
  TempRepo repo;
  LoadedAgent agent("command",
                    {{"command", {"/bin/sh", "-c", "echo \"$1 in $2 with $3\"; echo warn >&2", "sh", "{prompt}",
                                  "{workdir}", "model={model}"}}},
                    repo.path());
  auto r = request(repo, "fix it");
  r.model = "m1";
  auto run = agent.run(r);
  REQUIRE(run.result.ok());
  CHECK(run.result->outcome == sdk::SessionOutcome::success);
  CHECK(run.result->text == "fix it in " + repo.path().string() + " with model=m1");
  CHECK(run.texts(Type::text) == std::vector<std::string>{run.result->text});
  CHECK(run.texts(Type::other) == std::vector<std::string>{"warn"});
  CHECK_FALSE(agent.provider().can_resume());
}

TEST_CASE("command: a {model} argument without a model is dropped with its flag", "[command]") {
  TempRepo repo;
  LoadedAgent agent("command", {{"command", {"/bin/echo", "--model", "{model}", "{prompt}"}}}, repo.path());
  auto run = agent.run(request(repo, "hello"));
  REQUIRE(run.result.ok());
  CHECK(run.result->text == "hello");
}

TEST_CASE("command: exit code, signal, timeout and a bad template", "[command]") {
  TempRepo repo;
  SECTION("non-zero exit is an error with stderr") {
    LoadedAgent agent("command", {{"command", {"/bin/sh", "-c", "echo broken >&2; exit 4"}}}, repo.path());
    auto run = agent.run(request(repo, "x"));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::error);
    CHECK(run.result->text == "\"/bin/sh\" exited with code 4: broken");
  }
  SECTION("killed by a signal is a crash") {
    LoadedAgent agent("command", {{"command", {"/bin/sh", "-c", "kill -KILL $$"}}}, repo.path());
    auto run = agent.run(request(repo, "x"));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::crashed);
  }
  SECTION("timeout") {
    LoadedAgent agent("command", {{"command", {"/bin/sleep", "30"}}}, repo.path());
    auto r = request(repo, "x");
    r.timeout = 300ms;
    auto run = agent.run(r);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::timeout);
  }
  SECTION("no template") {
    LoadedAgent agent("command", nlohmann::json::object(), repo.path());
    auto run = agent.run(request(repo, "x"));
    REQUIRE_FALSE(run.result.ok());
    CHECK(run.result.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(run.result.failure().message ==
          "[agent.command] command: expected an argv template such as [\"aider\", \"--message\", \"{prompt}\"]");
  }
}

TEST_CASE("command: a prompt too long for one argument is refused with the way out", "[command]") {
  TempRepo repo;
  const std::string big(200 * 1024, 'z');
  SECTION("{prompt} in argv: refused before starting, naming {prompt_file} and prompt_on_stdin") {
    LoadedAgent agent("command", {{"command", {"/bin/echo", "{prompt}"}}}, repo.path());
    auto run = agent.run(request(repo, big));
    REQUIRE_FALSE(run.result.ok());
    CHECK(run.result.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(run.result.failure().message ==
          "the prompt makes argument \"{prompt}\" 204.8 KB long, more than one command-line argument may hold "
          "(128 KiB): use \"{prompt_file}\" (a file holding the prompt) or prompt_on_stdin = true in "
          "[agent.command]");
  }
  SECTION("{prompt_file}: the command reads the prompt from a file, removed afterwards") {
    LoadedAgent agent("command", {{"command", {"/bin/sh", "-c", "wc -c < \"$1\"; echo \"$1\"", "sh", "{prompt_file}"}}},
                      repo.path());
    auto run = agent.run(request(repo, big));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::success);
    auto lines = run.texts(Type::text);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == std::to_string(big.size()));
    CHECK_FALSE(std::filesystem::exists(lines[1]));
  }
  SECTION("prompt_on_stdin: the command reads it from stdin") {
    LoadedAgent agent("command", {{"command", {"/bin/sh", "-c", "wc -c"}}, {"prompt_on_stdin", true}}, repo.path());
    auto run = agent.run(request(repo, big));
    REQUIRE(run.result.ok());
    CHECK(run.result->text == std::to_string(big.size()));
  }
}
