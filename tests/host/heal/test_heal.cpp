#include "host/demo/sample_repo.hpp"
#include "host/heal/evidence.hpp"
#include "host/heal/heal.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/state_db.hpp"
#include "tests/support/brancher_harness.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using fanout::test::branchers::ScratchDir;
namespace fs = std::filesystem;

namespace {

sdk::Finding finding(sdk::Severity severity, std::string file, int line, std::string message) {
  sdk::Finding f;
  f.severity = severity;
  f.file = std::move(file);
  f.line = line;
  f.message = std::move(message);
  f.detail = "long command output";
  return f;
}

/// Two runs' reviews: issue 2 needed a fix round (tests failed), issue 1 got a suggestion.
void seed(const fs::path& repo) {
  pipeline::RunStore store(state::StateDb::path_for(repo));
  sdk::Issue issue2{"2", "Mark a todo as done", "", "open", {}, ""};
  store.begin("1");
  store.begin("2");
  store.set_issue("2", issue2);
  pipeline::ReviewOutcome tests{"command-review", sdk::Review{}, ""};
  tests.review->verdict = sdk::Verdict::request_changes;
  tests.review->findings = {finding(sdk::Severity::critical, "", 0, "\"python3 -m unittest\" failed (exit code 1)")};
  pipeline::ReviewOutcome agent{"agent-review", sdk::Review{}, ""};
  agent.review->findings = {finding(sdk::Severity::suggestion, "app.py", 22, "run the column check once")};
  pipeline::ReviewOutcome broken{"scope-review", std::nullopt, "plugin crashed"};
  store.save_reviews("2", 0, {tests, agent, broken});
  pipeline::ReviewOutcome clean{"command-review", sdk::Review{}, ""};
  store.save_reviews("2", 1, {clean});
  pipeline::ReviewOutcome one{"agent-review", sdk::Review{}, ""};
  one.review->findings = {finding(sdk::Severity::important, "app.py", 43, "answer 503 when the database is down")};
  store.save_reviews("1", 0, {one});
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

/// A replay recording named "heal" that changes `file` and commits.
void record_heal(const fs::path& repo, const std::string& file, const std::string& text) {
  const fs::path dir = repo / ".fanout/recordings/heal";
  write(dir / "events.jsonl",
        R"({"type":"text","text":"Grouping findings."})" "\n"
        R"j({"type":"result","ok":true,"text":"- CLAUDE.md: run the tests before committing (issue 2, command-review)","session_id":"h1"})j" "\n");
  write(dir / "files" / file, text);
  write(dir / "commit.txt", "heal: run the tests before committing\n");
}

/// Runs `argv` in `dir`; with `config_home`, as XDG_CONFIG_HOME (the fanout under test reads
/// that user config, never the user's own).
sdk::ProcessResult run(const fs::path& dir, std::vector<std::string> argv, const fs::path& config_home = {}) {
  services::LocalProcessRunner runner;
  sdk::ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.workdir = dir;
  if (!config_home.empty()) spec.env["XDG_CONFIG_HOME"] = config_home.string();
  spec.timeout = std::chrono::seconds(120);
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  return *result;
}

fs::path sample_repo(const ScratchDir& scratch) {
  const fs::path repo = scratch.path() / "repo";
  services::LocalProcessRunner runner;
  demo::create_sample_repo(repo, demo::AgentKind::replay, runner);
  return repo;
}

/// A user config home that trusts `repo`: the sample's fanout.toml runs its tests through
/// command-review, a trusted-only key (as `fanout demo` trusts the repo it makes).
fs::path trusting_config_home(const ScratchDir& scratch, const fs::path& repo) {
  const fs::path home = scratch.path() / "config";
  write(home / "fanout" / "config.toml", "[trust]\nrepos = [\"" + repo.string() + "\"]\n");
  return home;
}

} // namespace

TEST_CASE("heal: evidence lists every finding of recent runs with its run, round and reviewer", "[heal]") {
  ScratchDir scratch;
  seed(scratch.path());
  pipeline::RunStore store(state::StateDb::path_for(scratch.path()));
  auto evidence = heal::collect(store, 20);
  CHECK(evidence.items.size() == 3);
  CHECK(evidence.runs.size() == 2);
  const std::string markdown = heal::to_markdown(evidence);
  CHECK(markdown.find("- issue 2 \"Mark a todo as done\", round 0, command-review: **critical**: \"python3 -m "
                      "unittest\" failed (exit code 1)\n") != std::string::npos);
  CHECK(markdown.find("- issue 2 \"Mark a todo as done\", round 0, agent-review: **suggestion** `app.py:22`: run the "
                      "column check once\n") != std::string::npos);
  CHECK(markdown.find("- issue 1, round 0, agent-review: **important** `app.py:43`: answer 503") != std::string::npos);
  CHECK(markdown.find("plugin crashed") == std::string::npos); // a failure is not a finding
  CHECK(heal::collect(store, 1).runs.size() == 1);
}

TEST_CASE("heal: rule files are the configured files and what is inside rule directories", "[heal]") {
  const std::vector<std::string> rules{"CLAUDE.md", "AGENTS.md", ".claude/commands"};
  CHECK(heal::is_rule_file("CLAUDE.md", rules));
  CHECK(heal::is_rule_file(".claude/commands/review-pr.md", rules));
  CHECK_FALSE(heal::is_rule_file("docs/CLAUDE.md", rules));
  CHECK_FALSE(heal::is_rule_file(".claude/commands-old/x.md", rules));
  CHECK_FALSE(heal::is_rule_file("app.py", rules));
}

TEST_CASE("heal: proposes rule changes on a heal branch and opens a pull request with the evidence", "[heal]") {
  ScratchDir scratch;
  const fs::path repo = sample_repo(scratch);
  seed(repo);
  record_heal(repo, "CLAUDE.md", "# Rules\n\n- Run the tests before committing; a red test is not done.\n");
  const std::string main_before = run(repo, {"git", "rev-parse", "main"}).out;

  auto result = run(repo, {test::fanout_executable().string(), "-C", repo.string(), "heal"}, trusting_config_home(scratch, repo));
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("heal: 3 finding(s) from 2 run(s)") != std::string::npos);

  const std::string branches = run(repo, {"git", "branch", "--list", "fanout/heal-*"}).out;
  REQUIRE_FALSE(branches.empty());
  const std::string branch = branches.substr(branches.find("fanout/"), branches.find('\n') - branches.find("fanout/"));
  CHECK(run(repo, {"git", "diff", "--name-only", "main.." + branch}).out == "CLAUDE.md\n");
  CHECK(run(repo, {"git", "rev-parse", "main"}).out == main_before); // nothing applied to main

  // The local code host's record of the pull request carries the evidence.
  bool found = false;
  for (const auto& entry : fs::directory_iterator(repo / ".fanout/prs")) {
    if (entry.path().extension() != ".json" || entry.path().string().find("-reviews") != std::string::npos) continue;
    std::ifstream in(entry.path());
    auto record = nlohmann::json::parse(in);
    if (record.value("head", "") != branch) continue;
    found = true;
    CHECK(record.value("title", "") == "heal: agent rules from 3 review finding(s)");
    const std::string body = record.value("body", "");
    CHECK(body.find("run the tests before committing (issue 2, command-review)") != std::string::npos);
    CHECK(body.find("round 0, command-review: **critical**") != std::string::npos);
  }
  CHECK(found);
  CHECK(fs::exists(repo / ".fanout/runs" / branch.substr(7) / "heal.jsonl"));
}

TEST_CASE("heal: a proposal that touches anything but the rules is refused", "[heal]") {
  ScratchDir scratch;
  const fs::path repo = sample_repo(scratch);
  seed(repo);
  record_heal(repo, "app.py", "print('rewritten')\n");
  auto result = run(repo, {test::fanout_executable().string(), "-C", repo.string(), "heal"}, trusting_config_home(scratch, repo));
  CHECK(result.exit_code == 1);
  CHECK(result.err.find("fanout: error: heal changed files outside the agent rules: \"app.py\" (allowed: "
                        "\"CLAUDE.md\", \"AGENTS.md\", \".claude/commands\"); see branch \"fanout/heal-") == 0);
  CHECK(run(repo, {"ls", ".fanout/prs"}).out.empty());
}

TEST_CASE("heal: without findings there is nothing to do", "[heal]") {
  ScratchDir scratch;
  const fs::path repo = sample_repo(scratch);
  auto result = run(repo, {test::fanout_executable().string(), "-C", repo.string(), "heal"}, trusting_config_home(scratch, repo));
  CHECK(result.exit_code == 0);
  CHECK(result.out == "no review findings in the last 0 run(s): nothing to heal\n");
}
