#include "host/pipeline/run_store.hpp"
#include "host/services/process_runner.hpp"
#include "host/state/state_db.hpp"
#include "tests/support/brancher_harness.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace fanout;
using fanout::test::branchers::ScratchDir;
namespace fs = std::filesystem;

TEST_CASE("demo: fanout demo runs three issues to reviewed pull requests offline, one through a fix round",
          "[demo][e2e]") {
  ScratchDir scratch;
  const fs::path repo = scratch.path() / "demo";
  services::LocalProcessRunner runner;
  sdk::ProcessSpec spec;
  spec.argv = {test::fanout_executable().string(), "demo", repo.string(), "--agent", "replay"};
  spec.workdir = scratch.path();
  spec.env = {{"ANTHROPIC_API_KEY", ""}, // never a real agent
              {"XDG_CONFIG_HOME", (scratch.path() / "config").string()}}; // the demo trusts its repo there
  spec.timeout = std::chrono::minutes(4);
  auto result = runner.run(spec, {}, {});
  REQUIRE(result.ok());
  INFO(result->out << result->err);
  REQUIRE(result->exit_code == 0);
  CHECK(result->out.find("agents:            replay recordings (asked for with --agent replay)") != std::string::npos);
  CHECK(result->out.find("Where to look:") != std::string::npos);
  CHECK(result->out.find("trusted:           added to [trust] repos in " +
                         (scratch.path() / "config" / "fanout" / "config.toml").string()) != std::string::npos);

  // Three pull request records, each with a posted review.
  int prs = 0, reviews = 0;
  for (const auto& entry : fs::directory_iterator(repo / ".fanout/prs")) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 13 && name.compare(name.size() - 13, 13, "-reviews.json") == 0) ++reviews;
    else if (entry.path().extension() == ".json") ++prs;
  }
  CHECK(prs == 3);
  CHECK(reviews == 3);

  pipeline::RunStore store(state::StateDb::path_for(repo));
  for (const char* issue : {"1", "2", "3"}) {
    auto run = store.get(issue);
    REQUIRE(run);
    CHECK(pipeline::to_string(run->state) == "done");
    CHECK_FALSE(run->pr_id.empty());
  }
  // Issue 2: its build failed its own test, command-review asked for changes, the fix round passed.
  auto first = store.reviews("2", 0);
  auto second = store.reviews("2", 1);
  REQUIRE(first.size() == 3);
  REQUIRE(second.size() == 3);
  bool asked = false;
  for (const auto& outcome : first)
    if (outcome.reviewer == "command-review" && outcome.review)
      asked = outcome.review->verdict == sdk::Verdict::request_changes;
  CHECK(asked);
  for (const auto& outcome : second) {
    INFO(outcome.reviewer << " " << outcome.failure);
    REQUIRE(outcome.review);
    CHECK(outcome.review->verdict != sdk::Verdict::request_changes);
  }
  CHECK(store.reviews("1", 1).empty());
  CHECK(store.reviews("3", 1).empty());

  // After the run, `fanout watch --once` fixed issue 2's failing check (a line of app.py over
  // 100 characters) and answered alice's comment on issue 1's pull request.
  CHECK(result->out.find("[2] ci: failing checks: ci (failure) (round 1 of 2)") != std::string::npos);
  CHECK(result->out.find("[1] comments: nothing to push (0 commit(s)); replied to 1 comment(s)") != std::string::npos);
  auto fixed = store.get("2");
  REQUIRE(fixed);
  CHECK(pipeline::to_string(fixed->state) == "done");
  const fs::path checks = repo / ".fanout/prs" / fixed->pr_id / "checks";
  auto conclusion_of = [&](const std::string& sha) {
    std::ifstream in(checks / (sha + ".json"));
    return in ? nlohmann::json::parse(in).value("conclusion", std::string()) : std::string("(no check)");
  };
  auto git_head = [&](const std::string& dir) {
    sdk::ProcessSpec rev;
    rev.argv = {"git", "-C", dir, "rev-parse", "HEAD"};
    auto out = runner.run(rev, {}, {});
    REQUIRE(out.ok());
    return out->out.substr(0, out->out.find('\n'));
  };
  const std::string head = git_head(fixed->worktree);
  CHECK(conclusion_of(head) == "success");
  int failed = 0;
  for (const auto& entry : fs::directory_iterator(checks))
    if (entry.path().extension() == ".json" && conclusion_of(entry.path().stem().string()) == "failure") ++failed;
  CHECK(failed == 1); // the head before the builder's CI fix
  auto answered = store.get("1");
  REQUIRE(answered);
  std::ifstream reply(repo / ".fanout/prs" / answered->pr_id / "replies" / "1.md");
  REQUIRE(reply);
  const std::string reply_text{std::istreambuf_iterator<char>(reply), {}};
  CHECK(reply_text.find("in_reply_to: comment-alice") != std::string::npos);
  CHECK(reply_text.find("No change needed: `GET /health` opens one short-lived SQLite connection") !=
        std::string::npos);

  // Then heal turns those findings into a proposed CLAUDE.md rule (the bundled "heal" recording).
  spec.argv = {test::fanout_executable().string(), "-C", repo.string(), "heal"};
  auto healed = runner.run(spec, {}, {});
  REQUIRE(healed.ok());
  INFO(healed->out << healed->err);
  CHECK(healed->exit_code == 0);
  CHECK(healed->out.find("heal: proposed changes to \"CLAUDE.md\"") != std::string::npos);
}
