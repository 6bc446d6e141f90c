#include "host/config/loader.hpp"
#include "host/config/trust_edit.hpp"
#include "host/demo/agent_choice.hpp"
#include "host/demo/sample_repo.hpp"
#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "tests/support/brancher_harness.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/reviewer_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace fanout;
using fanout::test::branchers::ScratchDir;
namespace fs = std::filesystem;

namespace {

sdk::ProcessResult sh(const fs::path& dir, const std::string& command) {
  services::LocalProcessRunner runner;
  sdk::ProcessSpec spec;
  spec.argv = {"sh", "-c", command};
  spec.workdir = dir;
  spec.timeout = std::chrono::seconds(120);
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  return *result;
}

} // namespace

TEST_CASE("demo: the agent is chosen by a cheap offline check", "[demo]") {
  struct Case {
    const char* name;
    std::string requested;
    std::map<std::string, std::string> env;
    std::set<std::string> files;
    demo::AgentKind expected;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"no claude on PATH", "auto", {{"PATH", "/bin:/usr/bin"}, {"ANTHROPIC_API_KEY", "k"}}, {}, demo::AgentKind::replay,
       "replay recordings (claude is not installed; no tokens are spent)"},
      {"claude with an API key", "auto", {{"PATH", "/bin:/opt/c"}, {"ANTHROPIC_API_KEY", "k"}}, {"/opt/c/claude"},
       demo::AgentKind::claude_code, "Claude Code at /opt/c/claude, logged in through ANTHROPIC_API_KEY"},
      {"claude with a credentials file", "auto", {{"PATH", "/opt/c"}, {"HOME", "/home/u"}},
       {"/opt/c/claude", "/home/u/.claude/.credentials.json"}, demo::AgentKind::claude_code,
       "Claude Code at /opt/c/claude, logged in (/home/u/.claude/.credentials.json)"},
      {"claude with CLAUDE_CONFIG_DIR", "auto", {{"PATH", "/opt/c"}, {"HOME", "/home/u"}, {"CLAUDE_CONFIG_DIR", "/cfg"}},
       {"/opt/c/claude", "/cfg/.credentials.json"}, demo::AgentKind::claude_code,
       "Claude Code at /opt/c/claude, logged in (/cfg/.credentials.json)"},
      {"claude not logged in", "auto", {{"PATH", "/opt/c"}, {"HOME", "/home/u"}, {"ANTHROPIC_API_KEY", ""}},
       {"/opt/c/claude"}, demo::AgentKind::replay,
       "replay recordings (claude is installed but not logged in; no tokens are spent)"},
      {"forced replay", "replay", {{"PATH", "/opt/c"}, {"ANTHROPIC_API_KEY", "k"}}, {"/opt/c/claude"},
       demo::AgentKind::replay, "replay recordings (asked for with --agent replay)"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    demo::ChoiceInputs inputs;
    inputs.getenv = [&](const char* name) -> const char* {
      auto it = c.env.find(name);
      return it == c.env.end() ? nullptr : it->second.c_str();
    };
    inputs.exists = [&](const fs::path& path) { return c.files.count(path.string()) > 0; };
    auto choice = demo::choose_agent(c.requested, inputs);
    CHECK(choice.kind == c.expected);
    CHECK(choice.reason == c.reason);
  }
  CHECK_THROWS_WITH(demo::choose_agent("gpt"),
                    "unknown agent \"gpt\" (expected \"auto\", \"replay\" or \"claude-code\")");
}

TEST_CASE("demo: the sample repository is a working app with a valid fanout.toml", "[demo]") {
  ScratchDir scratch;
  const fs::path repo = scratch.path() / "sample";
  services::LocalProcessRunner runner;
  demo::create_sample_repo(repo, demo::AgentKind::replay, runner);

  for (const char* file : {"app.py", "tests/test_app.py", "README.md", "CLAUDE.md", ".gitignore", "fanout.toml",
                           "data/app.db", ".fanout/issues/1.md", ".fanout/issues/2.md", ".fanout/issues/3.md",
                           ".fanout/recordings/2/fix-1/events.jsonl"})
    CHECK(fs::exists(repo / file));
  CHECK(sh(repo, "git log --oneline | wc -l").out == "1\n");
  CHECK(sh(repo, "git status --porcelain").out.empty()); // .fanout and the database are ignored

  auto tests = sh(repo, "python3 -m unittest discover -s tests -t . 2>&1");
  INFO(tests.out);
  CHECK(tests.exit_code == 0);

  // Trusted as `fanout demo` trusts the repo it made (its command-review runs commands), the
  // host's config loader accepts it, and every [[review]] table passes its plugin's keys.
  const fs::path user_config = scratch.path() / "user-config.toml";
  config::trust_repo(user_config, repo);
  auto config = config::load_or_throw({repo, user_config});
  CHECK(config.agent.provider == "replay");
  CHECK(config.run.fix_rounds == 1);
  REQUIRE(config.reviews.size() == 3);
  for (const auto& review : config.reviews) {
    nlohmann::json table = nlohmann::json::object();
    for (const auto& entry : review.table.entries) table[entry.key] = entry.value;
    auto validated = test::reviewers::validate_config(review.table.plugin, table);
    INFO(review.table.plugin);
    CHECK(std::holds_alternative<nlohmann::json>(validated));
  }

  SECTION("a second demo into the same directory is refused") {
    CHECK_THROWS_WITH(demo::create_sample_repo(repo, demo::AgentKind::replay, runner),
                      "directory \"" + repo.string() + "\" is not empty (pick a new one, or leave it out)");
  }
}

TEST_CASE("demo: with Claude Code the sample config caps spending and bundles no recordings", "[demo]") {
  ScratchDir scratch;
  const fs::path repo = scratch.path() / "sample";
  services::LocalProcessRunner runner;
  demo::create_sample_repo(repo, demo::AgentKind::claude_code, runner);
  auto config = config::load_or_throw({repo, scratch.path() / "no-user-config.toml"});
  CHECK(config.agent.provider == "claude-code");
  CHECK(config.run.max_cost_usd == 2.0);
  CHECK(config.run.fleet_max_cost_usd == 5.0);
  CHECK_FALSE(fs::exists(repo / ".fanout/recordings"));
}

TEST_CASE("demo: the recordings tell the intended story when applied by hand", "[demo]") {
  // Issue 2's build breaks its own new test (command-review catches it), its fix round
  // repairs it; issues 1 and 3 pass at once. Checked here without the pipeline.
  ScratchDir scratch;
  const fs::path recordings = demo::shipped_demo_dir() / "recordings";
  struct Case {
    std::vector<std::string> steps;
    bool tests_pass;
  };
  const Case cases[] = {{{"1/build"}, true}, {{"2/build"}, false}, {{"2/build", "2/fix-1"}, true}, {{"3/build"}, true}};
  int n = 0;
  for (const auto& c : cases) {
    const fs::path repo = scratch.path() / ("case" + std::to_string(n++));
    fs::create_directories(repo);
    fs::copy(demo::shipped_demo_dir() / "repo", repo, fs::copy_options::recursive);
    for (const auto& step : c.steps)
      fs::copy(recordings / step / "files", repo, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    auto result = sh(repo, "python3 -m unittest discover -s tests -t . 2>&1");
    INFO(c.steps.back() << "\n" << result.out);
    CHECK((result.exit_code == 0) == c.tests_pass);
  }
  for (const char* review : {"1/review", "2/review", "3/review"}) {
    INFO(review);
    std::string last;
    std::ifstream in(recordings / review / "events.jsonl");
    for (std::string line; std::getline(in, line);) last = line;
    auto result = nlohmann::json::parse(last);
    CHECK(result["type"] == "result");
    CHECK(nlohmann::json::parse(result["text"].get<std::string>())["verdict"] == "approve");
  }
}

TEST_CASE("demo: without python3 it says so before making anything", "[demo]") {
  ScratchDir scratch;
  services::LocalProcessRunner runner;
  sdk::ProcessSpec spec;
  spec.argv = {test::fanout_executable().string(), "demo", (scratch.path() / "d").string()};
  spec.env = {{"PATH", "/nonexistent"}};
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  CHECK(result->exit_code == 1);
  CHECK(result->err == "fanout: error: the demo's sample app needs python3 (not found on PATH)\n");
  CHECK_FALSE(fs::exists(scratch.path() / "d"));
}
