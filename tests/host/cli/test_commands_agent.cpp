// `fanout agent run` end to end: the built fanout, the built claude-code plugin, the fake claude.

#include "host/services/process_runner.hpp"
#include "tests/support/agent_harness.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using namespace fanout::test::agents;

namespace {

struct Cli {
  int exit_code = -1;
  std::vector<std::string> out;
  std::string err;
};

/// Runs the built fanout with a user config that passes the fakes' variables to agents
/// (they are not on the allowlist otherwise) plus `user_toml`.
Cli fanout_agent(const TempRepo& repo, const TempRepo& home, std::vector<std::string> args,
                 std::map<std::string, std::string> env = {}, const std::string& user_toml = "") {
  std::filesystem::create_directories(home.path() / "config" / "fanout");
  std::ofstream(home.path() / "config" / "fanout" / "config.toml")
      << "[agent]\npass_env = [\"FAKE_AGENT_MODE\", \"FAKE_AGENT_LOG\"]\n" << user_toml;
  services::LocalProcessRunner runner(nullptr);
  sdk::ProcessSpec spec;
  spec.argv = {test::fanout_executable().string(), "agent", "run"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.workdir = repo.path();
  spec.env = fake_env(home.path(), env);
  spec.env["XDG_CONFIG_HOME"] = (home.path() / "config").string();
  spec.env["XDG_DATA_HOME"] = (home.path() / "data").string();
  spec.replace_env = true;
  spec.timeout = std::chrono::seconds(60);
  Cli cli;
  auto result = runner.run(
      spec,
      [&](sdk::Stream stream, const std::string& line) {
        if (stream == sdk::Stream::out) cli.out.push_back(line);
      },
      {});
  REQUIRE(result.ok());
  cli.exit_code = result->exit_code;
  cli.err = result->err;
  return cli;
}

} // namespace

TEST_CASE("fanout agent run --json: one object per event, then the result", "[agent][cli]") {
  TempRepo repo, home(false);
  auto cli = fanout_agent(repo, home, {"--provider", "claude-code", "--json", "--model", "haiku", "say hi"});
  CHECK(cli.err == "");
  CHECK(cli.exit_code == 0);
  REQUIRE(cli.out.size() >= 3);
  for (const auto& line : cli.out) CHECK(nlohmann::json::parse(line).is_object());
  auto result = nlohmann::json::parse(cli.out.back());
  CHECK(result["ok"] == true);
  CHECK(result["kind"].is_null());
  CHECK(result["text"] == "done: say hi");
  CHECK(result["session_id"].get<std::string>().size() == 36);
  CHECK(result["tokens"]["input"] == 30);
  CHECK(result["tokens"]["cache_write"] == 60);
  CHECK(result["cost_usd"] == 0.0123);
  CHECK(result["turns"] == 2);
  CHECK(result.contains("duration_ms"));
  CHECK(nlohmann::json::parse(cli.out.front())["type"] == "other");
}

TEST_CASE("fanout agent run: a failed session exits 1; errors are messages", "[agent][cli]") {
  TempRepo repo, home(false);
  SECTION("failed session") {
    auto cli = fanout_agent(repo, home, {"--provider", "claude-code", "--json", "x"}, {{"FAKE_AGENT_MODE", "max_turns"}});
    CHECK(cli.exit_code == 1);
    CHECK(nlohmann::json::parse(cli.out.back())["kind"] == "max_turns");
  }
  SECTION("only allowlisted variables reach the agent") {
    auto log = home.path() / "log.jsonl";
    auto cli = fanout_agent(repo, home, {"--provider", "claude-code", "x"},
                            {{"FAKE_AGENT_LOG", log.string()}, {"GITHUB_TOKEN", "ghp_secret_value"}, {"OTHER", "1"}});
    CHECK(cli.exit_code == 0);
    auto env = invocations(log).at(0)["env"];
    CHECK(env["FAKE_AGENT_LOG"] == log.string());
    CHECK_FALSE(env.contains("GITHUB_TOKEN"));
    CHECK_FALSE(env.contains("OTHER"));
    CHECK(env.contains("PATH"));
    CHECK(env.contains("HOME"));
  }
  SECTION("human output and a transcript") {
    auto transcript = home.path() / "t.jsonl";
    auto cli = fanout_agent(repo, home, {"--provider", "claude-code", "--transcript", transcript.string(), "x"});
    CHECK(cli.exit_code == 0);
    CHECK(cli.out.front() == "Working on it.");
    CHECK(cli.out.back().rfind("ok (2 turns, 45 tokens, $0.0123, ", 0) == 0);
    auto lines = read_jsonl(transcript);
    CHECK(lines.front()["type"] == "start");
    CHECK(lines.back()["type"] == "result");
  }
  SECTION("unknown provider") {
    auto cli = fanout_agent(repo, home, {"--provider", "claude-cod", "x"});
    CHECK(cli.exit_code == 2);
    CHECK(cli.err == "fanout: error: unknown plugin \"claude-cod\" (did you mean \"claude-code\"?)\n");
  }
  SECTION("missing agent binary") {
    // `command` picks a binary: trusted-only, so it is set in the user config.
    auto cli = fanout_agent(repo, home, {"--provider", "claude-code", "x"}, {},
                            "[agent.claude-code]\ncommand = \"claude-missing\"\n");
    CHECK(cli.exit_code == 1);
    CHECK(cli.err == "fanout: error: executable \"claude-missing\" not found on PATH\n");
  }
}

TEST_CASE("fanout agent run --workdir works when the current directory is not a repository", "[agent][cli]") {
  TempRepo repo, outside(false);
  SECTION("the workdir is a repository") {
    auto cli = fanout_agent(outside, outside, {"--provider", "claude-code", "--json", "--workdir",
                                               repo.path().string(), "say hi"});
    CHECK(cli.err == "");
    CHECK(cli.exit_code == 0);
    REQUIRE_FALSE(cli.out.empty());
    CHECK(nlohmann::json::parse(cli.out.back())["text"] == "done: say hi");
  }
  SECTION("neither is a repository") {
    TempRepo plain(false);
    auto cli = fanout_agent(outside, outside, {"--provider", "claude-code", "--json", "--workdir",
                                               plain.path().string(), "say hi"});
    CHECK(cli.err == "");
    CHECK(cli.exit_code == 0);
  }
  SECTION("a workdir that does not exist") {
    auto missing = (outside.path() / "nope").string();
    auto cli = fanout_agent(outside, outside, {"--provider", "claude-code", "--workdir", missing, "say hi"});
    CHECK(cli.exit_code == 2);
    CHECK(cli.err == "fanout: error: --workdir: \"" + missing + "\" is not a directory\n");
  }
}
