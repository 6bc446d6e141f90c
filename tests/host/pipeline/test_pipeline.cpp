#include "pipeline_helpers.hpp"

#include "host/pipeline/run_store.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace fanout;
using namespace fanout::test;
using pipeline::RunState;

TEST_CASE("pipeline: three issues end done, each with one PR, a review and a tracker comment", "[pipeline]") {
  Harness h;
  for (auto key : {"1", "2", "3"}) h.tracker.add(key, std::string("feature ") + key);
  auto states = h.run({"1", "2", "3"});
  CHECK(states == std::map<std::string, RunState>{{"1", RunState::done}, {"2", RunState::done}, {"3", RunState::done}});
  CHECK(h.code_host.opened == 3);
  REQUIRE(h.code_host.reviews.size() == 3);
  for (const auto& [id, review] : h.code_host.reviews) CHECK(review.event == sdk::ReviewEvent::approve);
  // One comment with the PR link at publish, one status comment at the end.
  CHECK(h.tracker.comments_on("2") == 2);
  pipeline::RunStore store(h.settings.db_path);
  auto record = store.get("2");
  REQUIRE(record);
  CHECK(record->pr_url.rfind("https://forge.test/pull/", 0) == 0);
  CHECK(record->tokens == 20); // plan and build, 10 each; the reviewers ran no agent
  CHECK(read_text(h.settings.runs_dir / "2" / "plan.md") == "1. do the thing for 2");
  CHECK(std::filesystem::exists(h.settings.runs_dir / "2" / "build.jsonl"));
  // The build prompt got the plan and the workspace's port.
  auto builds = h.agent.requests_for("BUILD", "2");
  REQUIRE(builds.size() == 1);
  CHECK(builds[0].prompt.find("1. do the thing for 2") != std::string::npos);
  CHECK(builds[0].permission == sdk::Permission::edit);
  CHECK(builds[0].env.at("FANOUT_ISSUE") == "2");
  CHECK(h.agent.requests_for("PLAN", "2").at(0).permission == sdk::Permission::read_only);
}

TEST_CASE("fleet: never more runs at once than parallel allows", "[pipeline]") {
  Harness h;
  std::vector<std::string> keys;
  for (int i = 1; i <= 6; ++i) {
    keys.push_back(std::to_string(i));
    h.tracker.add(keys.back(), "feature");
  }
  h.agent.rendezvous = 2;
  pipeline::FleetOptions options;
  options.parallel = 2;
  pipeline::Fleet fleet(h.services, h.settings, options, nullptr);
  auto states = fleet.run(keys);
  CHECK(fleet.peak_parallel() == 2);
  CHECK(h.agent.peak_in_build.load() == 2);
  for (const auto& [key, state] : states) CHECK(state == RunState::done);
}

TEST_CASE("fleet: one failing issue does not stop the others", "[pipeline]") {
  Harness h;
  for (auto key : {"1", "2", "3"}) h.tracker.add(key, "feature");
  h.agent.scripts["2"].build_outcome = sdk::SessionOutcome::error;
  auto states = h.run({"1", "2", "3", "404"});
  CHECK(states.at("1") == RunState::done);
  CHECK(states.at("2") == RunState::failed);
  CHECK(states.at("3") == RunState::done);
  CHECK(states.at("404") == RunState::failed);
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.get("2")->error == "build: the agent session ended with \"error\": the build broke");
  CHECK(store.get("404")->error == "fetch: issue \"404\" not found");
  CHECK(h.code_host.opened == 2);
}

TEST_CASE("pipeline: a build that leaves no commit fails the run", "[pipeline]") {
  Harness h;
  h.tracker.add("7", "feature");
  h.agent.scripts["7"].build_commits = false;
  CHECK(h.run({"7"}).at("7") == RunState::failed);
  CHECK(pipeline::RunStore(h.settings.db_path).get("7")->error ==
        "build: the agent made no commit on \"fanout/7\"");
  CHECK(h.code_host.opened == 0);
}

TEST_CASE("pipeline: a branch with a commit that contains a copied file is not published", "[pipeline][trust]") {
  Harness h;
  h.tracker.add("7", "feature");
  h.tracker.add("8", "feature");
  // As if [workspace] copy = ["feature-7.txt"]: the builder commits it (git add -f, say).
  h.settings.private_files = {".env", "feature-7.txt"};
  const auto states = h.run({"7", "8"});
  CHECK(states.at("7") == RunState::failed);
  CHECK(states.at("8") == RunState::done);
  const std::string error = pipeline::RunStore(h.settings.db_path).get("7")->error;
  const std::string head = git(h.repo, "rev-parse --short fanout/7");
  CHECK(error == "publish: refused to push \"fanout/7\": commit " + head.substr(0, head.size() - 1) +
                     " contains \"feature-7.txt\", which fanout copied into the worktree and must not leave it (remove "
                     "it from the branch's history, then run \"fanout resume 7\")");
  CHECK(h.code_host.prs.count("fanout/7") == 0);
  CHECK(h.code_host.pushes == 1); // 8's only
}

TEST_CASE("pipeline: requested changes go to the builder as findings, then validation passes", "[pipeline]") {
  Harness h;
  h.tracker.add("5", "feature");
  h.reviewers.emplace_back("tests", [](const sdk::ReviewRequest& request) {
    if (request.diff.find("fixed-5.txt") != std::string::npos) return sdk::Result<sdk::Review>(approve());
    return sdk::Result<sdk::Review>(request_changes("add a test for the feature", "feature-5.txt", 1));
  });
  CHECK(h.run({"5"}).at("5") == RunState::done);
  auto fixes = h.agent.requests_for("FIX", "5");
  REQUIRE(fixes.size() == 1);
  CHECK(fixes[0].prompt.find("### tests (request_changes)") != std::string::npos);
  CHECK(fixes[0].prompt.find("- **important** `feature-5.txt:1`: add a test for the feature") != std::string::npos);
  CHECK(fixes[0].resume_session_id == "session-5");
  CHECK(h.reviewers_made == 2); // fresh reviewers for each round
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.reviews("5", 0).size() == 2);
  CHECK(pipeline::requests_changes(store.reviews("5", 0).at(1)));
  CHECK(store.latest_reviews("5").at(1).review->verdict == sdk::Verdict::approve);
  CHECK(h.code_host.pushes == 2); // publish, then the fix
}

TEST_CASE("pipeline: changes still requested after fix_rounds ends as needs_human", "[pipeline]") {
  Harness h;
  h.tracker.add("6", "feature");
  h.settings.fix_rounds = 2;
  h.reviewers.emplace_back("strict", [](const sdk::ReviewRequest&) {
    return sdk::Result<sdk::Review>(request_changes("never good enough", "feature-6.txt", 1));
  });
  CHECK(h.run({"6"}).at("6") == RunState::needs_human);
  CHECK(h.agent.requests_for("FIX", "6").size() == 2);
  CHECK(h.reviewers_made == 3);
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.get("6")->error == "changes still requested after 2 fix round(s)");
  REQUIRE(h.code_host.reviews.size() == 1);
  const auto& review = h.code_host.reviews[0].second;
  CHECK(review.event == sdk::ReviewEvent::request_changes);
  REQUIRE(review.comments.size() == 1);
  CHECK(review.comments[0].path == "feature-6.txt");
  CHECK(review.comments[0].line == 1);
  CHECK(h.tracker.comments.back().second.find("never good enough") != std::string::npos);
}

TEST_CASE("pipeline: a reviewer failure is recorded as a failure, not a verdict", "[pipeline]") {
  Harness h;
  h.tracker.add("8", "feature");
  h.reviewers.emplace_back("broken", [](const sdk::ReviewRequest&) {
    return sdk::Result<sdk::Review>(sdk::fail(sdk::FailureKind::not_found, "executable \"npm\" not found on PATH"));
  });
  h.reviewers.emplace_back("thrower", [](const sdk::ReviewRequest&) -> sdk::Result<sdk::Review> {
    throw std::runtime_error("boom");
  });
  CHECK(h.run({"8"}).at("8") == RunState::needs_human);
  auto outcomes = pipeline::RunStore(h.settings.db_path).latest_reviews("8");
  REQUIRE(outcomes.size() == 3);
  CHECK_FALSE(outcomes[1].review);
  CHECK(outcomes[1].failure == "executable \"npm\" not found on PATH");
  CHECK(outcomes[2].failure == "reviewer threw: boom");
  CHECK(h.agent.requests_for("FIX", "8").empty());
  REQUIRE(h.code_host.reviews.size() == 1);
  CHECK(h.code_host.reviews[0].second.event == sdk::ReviewEvent::comment);
}

TEST_CASE("pipeline: a forge that refuses self-approval gets the review as a comment", "[pipeline]") {
  Harness h;
  h.tracker.add("9", "feature");
  h.code_host.refuse_self_review = true;
  CHECK(h.run({"9"}).at("9") == RunState::done);
  REQUIRE(h.code_host.reviews.size() == 1);
  CHECK(h.code_host.reviews[0].second.event == sdk::ReviewEvent::comment);
}

TEST_CASE("pipeline: a token budget cancels the session and ends the run over_budget", "[pipeline]") {
  Harness h;
  h.tracker.add("1", "feature");
  h.tracker.add("2", "feature");
  h.agent.scripts["1"].tokens_per_session = 1000;
  pipeline::FleetOptions options;
  options.run_limits.max_tokens = 100;
  auto states = h.run({"1", "2"}, options);
  CHECK(states.at("1") == RunState::over_budget);
  CHECK(states.at("2") == RunState::done);
  CHECK(h.agent.cancels_seen == 1);
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.get("1")->error == "used 110 tokens, over the run's limit of 100");
  CHECK(h.agent.requests_for("BUILD", "1").empty());
}

TEST_CASE("fleet: a spent fleet budget keeps later runs from starting", "[pipeline]") {
  Harness h;
  for (auto key : {"1", "2", "3"}) h.tracker.add(key, "feature");
  pipeline::FleetOptions options;
  options.parallel = 1;
  options.fleet_limits.max_tokens = 20; // the first run's plan and build use 20
  auto states = h.run({"1", "2", "3"}, options);
  CHECK(states.at("1") == RunState::done);
  CHECK(states.at("2") == RunState::over_budget);
  CHECK(states.at("3") == RunState::over_budget);
  CHECK(pipeline::RunStore(h.settings.db_path).get("3")->error ==
        "the fleet's budget was spent before this run started");
}

TEST_CASE("pipeline: resume after a crash once the PR was opened publishes exactly once", "[pipeline]") {
  Harness h;
  h.tracker.add("4", "feature");
  h.code_host.after_open = [](const sdk::PullRequest&) { throw std::runtime_error("killed"); };
  CHECK(h.run({"4"}).at("4") == RunState::failed);
  CHECK(h.code_host.opened == 1);
  pipeline::RunStore store(h.settings.db_path);
  CHECK_FALSE(store.done("4", pipeline::stage::publish));
  CHECK(store.done("4", pipeline::stage::build));

  h.code_host.after_open = nullptr;
  CHECK(h.run({"4"}).at("4") == RunState::done);
  CHECK(h.code_host.opened == 1);
  CHECK(h.agent.requests_for("BUILD", "4").size() == 1); // the build was not redone
  CHECK(h.agent.requests_for("PLAN", "4").size() == 1);
  CHECK(store.get("4")->pr_id == "101");
}

TEST_CASE("pipeline: a build that crashed after committing resumes its session and keeps the commit", "[pipeline]") {
  Harness h;
  h.tracker.add("3", "feature");
  h.agent.scripts["3"].throw_after_commit = true;
  CHECK(h.run({"3"}).at("3") == RunState::failed);
  CHECK(h.code_host.opened == 0);
  h.agent.scripts["3"].throw_after_commit = false;
  h.agent.scripts["3"].build_commits = false; // the resumed session has nothing left to do
  CHECK(h.run({"3"}).at("3") == RunState::done);
  CHECK(h.code_host.opened == 1);
}

TEST_CASE("fleet: cancel ends running and queued runs as cancelled, and they resume", "[pipeline]") {
  Harness h;
  for (auto key : {"1", "2", "3"}) h.tracker.add(key, "feature");
  h.agent.scripts["1"].hang_in_build = true;
  h.agent.scripts["2"].hang_in_build = true;
  pipeline::FleetOptions options;
  options.parallel = 2;
  pipeline::Fleet fleet(h.services, h.settings, options, nullptr);
  std::map<std::string, RunState> states;
  std::thread runner([&] { states = fleet.run({"1", "2", "3"}); });
  const bool both_hang = h.agent.await_hanging(2, std::chrono::seconds(60));
  fleet.cancel();
  runner.join();
  if (!both_hang) FAIL("timed out after 60 s waiting for builds 1 and 2 to start");
  CHECK(states == std::map<std::string, RunState>{
                      {"1", RunState::cancelled}, {"2", RunState::cancelled}, {"3", RunState::cancelled}});
  CHECK(h.agent.cancels_seen == 2);
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.get("1")->error == "cancelled (resume with: fanout resume 1)");
  CHECK(store.get("1")->stage == "build");

  h.agent.scripts.clear();
  auto resumed = h.run({"1", "2", "3"});
  for (const auto& [key, state] : resumed) CHECK(state == RunState::done);
  CHECK(h.code_host.opened == 3);
}

TEST_CASE("pipeline: approve_plan stops after the plan until approved", "[pipeline]") {
  Harness h;
  h.tracker.add("2", "feature");
  h.settings.approve_plan = true;
  CHECK(h.run({"2"}).at("2") == RunState::needs_human);
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.get("2")->stage == "approve_plan");
  CHECK(store.get("2")->error == "the plan waits for approval: fanout approve 2");
  CHECK(h.agent.requests_for("BUILD", "2").empty());
  store.complete_stage("2", pipeline::stage::approve_plan);
  CHECK(h.run({"2"}).at("2") == RunState::done);
  CHECK(h.agent.requests_for("PLAN", "2").size() == 1);
}

TEST_CASE("pipeline: review mode re-runs validation with fresh reviewers only", "[pipeline]") {
  Harness h;
  h.tracker.add("3", "feature");
  CHECK(h.run({"3"}).at("3") == RunState::done);
  h.reviewers.emplace_back("late", [](const sdk::ReviewRequest&) {
    return sdk::Result<sdk::Review>(request_changes("missing docs"));
  });
  pipeline::FleetOptions options;
  options.mode = pipeline::RunMode::validate_only;
  CHECK(h.run({"3"}, options).at("3") == RunState::needs_human);
  CHECK(h.agent.requests_for("BUILD", "3").size() == 1);
  CHECK(h.agent.requests_for("FIX", "3").empty());
  CHECK(h.code_host.reviews.size() == 2);
  CHECK(pipeline::RunStore(h.settings.db_path).latest_reviews("3").size() == 2);
}
