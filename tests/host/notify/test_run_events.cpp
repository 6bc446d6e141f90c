// Which event a run's end is, what it says, and when two ends are the same event.
#include "host/notify/run_events.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using pipeline::RunRecord;
using pipeline::RunState;

namespace {

RunRecord record(RunState state, std::string stage, std::string error = "") {
  RunRecord r;
  r.issue = "42";
  r.state = state;
  r.stage = std::move(stage);
  r.error = std::move(error);
  sdk::Issue issue;
  issue.key = "42";
  issue.title = "add a health endpoint";
  issue.url = "https://tracker.invalid/42";
  r.fetched = issue;
  return r;
}

} // namespace

TEST_CASE("run events: each end state is its event", "[notify]") {
  SECTION("waiting at approve_plan: plan_approval, with the command that approves") {
    auto event = notify::run_event(record(RunState::needs_human, "approve_plan", "the plan waits for approval"), "1. do it", "shop");
    REQUIRE(event);
    const auto& n = event->notification;
    CHECK(n.event == sdk::NotifyEvent::plan_approval);
    CHECK(n.title == "fanout: 42 waits for plan approval");
    CHECK(n.action == "fanout approve 42");
    CHECK(n.text == "Issue 42 \"add a health endpoint\" (https://tracker.invalid/42): the plan is ready.\n"
                    "Read it with: fanout logs 42 --stage plan\nApprove it with: fanout approve 42");
    CHECK(n.repo == "shop");
    CHECK(n.issue_title == "add a health endpoint");
    CHECK(n.issue_url == "https://tracker.invalid/42");
    CHECK(event->id.rfind("plan_approval/42/", 0) == 0);
  }
  SECTION("needs_human after review") {
    auto r = record(RunState::needs_human, "report", "changes still requested after 1 fix round(s)");
    r.pr_url = "https://forge.invalid/pull/7";
    auto event = notify::run_event(r, "", "shop");
    REQUIRE(event);
    CHECK(event->notification.event == sdk::NotifyEvent::needs_human);
    CHECK(event->notification.title == "fanout: 42 needs a human");
    CHECK(event->notification.text == "Issue 42 \"add a health endpoint\" (https://tracker.invalid/42) needs a human: "
                                      "changes still requested after 1 fix round(s)\n"
                                      "Pull request: https://forge.invalid/pull/7");
    CHECK(event->notification.pr_url == "https://forge.invalid/pull/7");
  }
  SECTION("failed and over_budget say where, why and how to continue") {
    auto failed = notify::run_event(record(RunState::failed, "build", "build: the agent made no commit"), "", "shop");
    REQUIRE(failed);
    CHECK(failed->notification.event == sdk::NotifyEvent::failed);
    CHECK(failed->notification.title == "fanout: 42 failed");
    CHECK(failed->notification.stage == "build");
    CHECK(failed->notification.reason == "build: the agent made no commit");
    CHECK(failed->notification.action == "fanout resume 42");
    CHECK(failed->notification.text == "Issue 42 \"add a health endpoint\" (https://tracker.invalid/42) failed at "
                                       "stage \"build\": build: the agent made no commit\n"
                                       "Continue it with: fanout resume 42");
    auto over = notify::run_event(record(RunState::over_budget, "build", "over the run's limit"), "", "shop");
    REQUIRE(over);
    CHECK(over->notification.event == sdk::NotifyEvent::over_budget);
    CHECK(over->notification.title == "fanout: 42 is over budget");
  }
  SECTION("done: pr_ready") {
    auto r = record(RunState::done, "report");
    r.pr_id = "7";
    r.pr_url = "https://forge.invalid/pull/7";
    auto event = notify::run_event(r, "", "shop");
    REQUIRE(event);
    CHECK(event->notification.event == sdk::NotifyEvent::pr_ready);
    CHECK(event->notification.title == "fanout: 42 is ready to land");
  }
  SECTION("running and cancelled are no event") {
    CHECK_FALSE(notify::run_event(record(RunState::running, "build"), "", "shop"));
    CHECK_FALSE(notify::run_event(record(RunState::cancelled, "build", "cancelled"), "", "shop"));
  }
}

TEST_CASE("run events: the same end twice is the same event, another end is another", "[notify]") {
  const auto id = [](const RunRecord& r, const std::string& plan = "") { return notify::run_event(r, plan, "shop")->id; };
  auto failed = record(RunState::failed, "build", "build: the agent made no commit");
  CHECK(id(failed) == id(failed));
  auto later = record(RunState::failed, "publish", "publish: push refused");
  CHECK(id(failed) != id(later));
  auto waiting = record(RunState::needs_human, "approve_plan", "the plan waits for approval");
  CHECK(id(waiting, "plan A") == id(waiting, "plan A"));
  CHECK(id(waiting, "plan A") != id(waiting, "plan B")); // a new plan waits again
  auto done = record(RunState::done, "report");
  done.pr_url = "https://forge.invalid/pull/7";
  auto other_pr = done;
  other_pr.pr_url = "https://forge.invalid/pull/8";
  CHECK(id(done) != id(other_pr));
  CHECK(id(done).rfind("pr_ready/42/", 0) == 0);
}

TEST_CASE("run events: fleet_done lists every run and counts the states", "[notify]") {
  auto one = record(RunState::done, "report");
  one.issue = "1";
  one.pr_url = "https://forge.invalid/pull/1";
  auto two = record(RunState::failed, "build", "boom");
  two.issue = "2";
  auto three = record(RunState::done, "report");
  three.issue = "3";
  const auto event = notify::fleet_event({one, two, three}, "shop");
  const auto& n = event.notification;
  CHECK(n.event == sdk::NotifyEvent::fleet_done);
  CHECK(n.title == "fanout: 3 run(s) ended in shop");
  CHECK(n.text == "3 run(s) ended: 2 done, 1 failed.\n1: done https://forge.invalid/pull/1\n2: failed\n3: done");
  REQUIRE(n.runs.size() == 3);
  CHECK(n.runs[0].issue == "1");
  CHECK(n.runs[0].pr_url == "https://forge.invalid/pull/1");
  CHECK(n.runs[1].state == "failed");
  CHECK(n.issue.empty());
  // The same outcome again (a rerun that changed nothing) is the same event; another is not.
  CHECK(notify::fleet_event({one, two, three}, "shop").id == event.id);
  two.state = RunState::done;
  CHECK(notify::fleet_event({one, two, three}, "shop").id != event.id);
}
