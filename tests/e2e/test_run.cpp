#include "tests/support/e2e.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <set>
#include <sstream>

using namespace fanout::test;
using nlohmann::json;

namespace {

json status(E2e& e2e) {
  auto ran = e2e.fanout({"status", "--json"});
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  return json::parse(ran.out);
}

json by_issue(const json& runs, const std::string& issue) {
  for (const auto& run : runs)
    if (run["issue"] == issue) return run;
  FAIL("no run for issue " << issue);
  return {};
}

} // namespace

TEST_CASE("e2e: run 1 2 3 opens reviewed PRs, isolates a failure, goes through a fix round", "[e2e]") {
  E2e e2e;
  e2e.script("BUILD-3", R"({"mode": "is_error"})");
  auto ran = e2e.fanout({"run", "1", "2", "3"});
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 1); // one run failed
  CHECK(ran.out.find("3 run(s): 2 done, 1 not done") != std::string::npos);

  auto runs = status(e2e);
  CHECK(by_issue(runs, "1")["state"] == "done");
  CHECK(by_issue(runs, "2")["state"] == "done");
  CHECK(by_issue(runs, "3")["state"] == "failed");
  CHECK(by_issue(runs, "3")["stage"] == "build");

  // Two PRs, one per successful issue, each with its review; the body closes the issue.
  auto pulls = e2e.server.pulls();
  REQUIRE(pulls.size() == 2);
  std::set<std::string> heads;
  for (const auto& pull : pulls) {
    heads.insert(pull.head);
    CHECK(e2e.server.reviews(pull.number).size() == 1);
    CHECK((pull.body.find("Closes #1") != std::string::npos || pull.body.find("Closes #2") != std::string::npos));
  }
  CHECK(heads.size() == 2);

  // The text table: the REVIEWS column starts at the same place on every row, whatever the
  // length of the PR URLs.
  auto text = e2e.fanout({"status"});
  REQUIRE(text.exit_code == 0);
  std::istringstream lines(text.out);
  std::string header, line;
  std::getline(lines, header);
  const auto reviews_at = header.find("REVIEWS");
  REQUIRE(reviews_at != std::string::npos);
  int rows_with_reviews = 0;
  while (std::getline(lines, line)) {
    const auto verdict = line.find("-review:");
    if (line.rfind("   ", 0) == 0 || verdict == std::string::npos) continue; // an error line, or no reviews
    INFO(text.out);
    CHECK(line.rfind(' ', verdict) + 1 == reviews_at);
    ++rows_with_reviews;
  }
  CHECK(rows_with_reviews == 2);
  // Issue 2: command-review requested changes until the fix round committed fixed.txt.
  auto calls = e2e.calls();
  CHECK(calls["FIX 2"] == 1);
  CHECK(calls["FIX 1"] == 0);
  CHECK(calls["REVIEW 2"] == 2);
  auto reviews = by_issue(runs, "2")["reviews"];
  INFO(reviews.dump());
  REQUIRE(reviews.size() == 2);
  CHECK(reviews[0]["verdict"] == "approve");
  CHECK(reviews[1]["verdict"] == "approve");
  // The tracker issues got the PR link and the status.
  CHECK(e2e.server.issue(1)->comments.size() == 2);

  // Distinct ports and database branches.
  auto ls = e2e.fanout({"ls", "--json"});
  REQUIRE(ls.exit_code == 0);
  auto workspaces = json::parse(ls.out);
  REQUIRE(workspaces.size() == 3);
  std::set<int> ports;
  std::set<std::string> databases;
  for (const auto& ws : workspaces) {
    ports.insert(ws["ports"][0].get<int>());
    databases.insert(ws["database"]["url"].get<std::string>());
  }
  CHECK(ports.size() == 3);
  CHECK(databases.size() == 3);

  // Everything can be torn down, and nothing is left behind.
  auto clean = e2e.fanout({"clean", "--all", "--force"});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  auto doctor = e2e.fanout({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.exit_code == 0);
  CHECK(doctor.out == "nothing to fix\n");
}

TEST_CASE("e2e: a token budget stops every run as over_budget", "[e2e]") {
  E2e e2e;
  e2e.append_config("max_tokens = 1\n");
  auto ran = e2e.fanout({"run", "1", "2"});
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 1);
  auto runs = status(e2e);
  for (const auto& run : runs) {
    CHECK(run["state"] == "over_budget");
    CHECK(run["stage"] == "plan");
  }
  CHECK(e2e.server.pulls().empty());
}

TEST_CASE("e2e: kill -9 during a build, then resume finishes and publishes each PR once", "[e2e]") {
  E2e e2e;
  e2e.script("BUILD-1", R"({"mode": "hang", "once": true})");
  const pid_t pid = e2e.start({"run", "1", "2", "3"});
  REQUIRE(e2e.wait_for_call("BUILD 1"));
  REQUIRE(e2e.wait_for_agent_event("1", "build"));
  const pid_t builder = e2e.call_pid("BUILD 1");
  ::kill(pid, SIGKILL);
  auto killed = e2e.wait(pid);
  CHECK(killed.exit_code == 128 + SIGKILL);
  REQUIRE(::kill(builder, 0) == 0); // the killed fanout's builder still runs

  auto resumed = e2e.fanout({"resume"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  // The old builder was ended before resume started the new one: one builder at a time.
  CHECK(resumed.err.find("fanout: ended process group " + std::to_string(builder) + " (issue \"1\": claude ") !=
        std::string::npos);
  CHECK(await_process_gone(builder));
  CHECK(e2e.calls()["BUILD 1"] == 2);
  auto runs = status(e2e);
  REQUIRE(runs.size() == 3);
  for (const auto& run : runs) CHECK(run["state"] == "done");
  auto pulls = e2e.server.pulls();
  CHECK(pulls.size() == 3);
  std::set<std::string> heads;
  for (const auto& pull : pulls) heads.insert(pull.head);
  CHECK(heads.size() == 3);
  CHECK(e2e.calls()["PLAN 1"] == 1); // the plan was not redone
}

TEST_CASE("e2e: Ctrl-C cancels every run, exits 130, and resume finishes them", "[e2e]") {
  E2e e2e;
  e2e.script("BUILD", R"({"mode": "hang", "once": true})");
  e2e.script("BUILD-2", R"({"mode": "hang", "once": true})");
  e2e.script("BUILD-3", R"({"mode": "hang", "once": true})");
  const pid_t pid = e2e.start({"run", "1", "2", "3"});
  REQUIRE(e2e.wait_for_call("BUILD 1"));
  REQUIRE(e2e.wait_for_call("BUILD 2"));
  REQUIRE(e2e.wait_for_call("BUILD 3"));
  ::kill(pid, SIGINT);
  auto ran = e2e.wait(pid);
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 130);
  for (const auto& run : status(e2e)) CHECK(run["state"] == "cancelled");

  e2e.script("BUILD", R"({"files": {"feature-{issue}.txt": "issue {issue}\n"}, "commit": "implement {issue}"})");
  auto resumed = e2e.fanout({"resume"});
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  for (const auto& run : status(e2e)) CHECK(run["state"] == "done");
  CHECK(e2e.server.pulls().size() == 3);
}

TEST_CASE("e2e: --label runs every open issue with it; status, logs, resume and approve explain themselves", "[e2e]") {
  E2e e2e;
  SECTION("nothing run yet") {
    auto status_text = e2e.fanout({"status"});
    CHECK(status_text.out == "no runs yet (start one with: fanout run ISSUE)\n");
    CHECK(e2e.fanout({"status", "--json"}).out == "[]\n");
    auto resume = e2e.fanout({"resume", "9"});
    CHECK(resume.exit_code == 1);
    CHECK(resume.err == "fanout: error: no run for issue \"9\" (start one with: fanout run 9)\n");
    auto logs = e2e.fanout({"logs", "9"});
    CHECK(logs.err == "fanout: error: no transcripts for issue \"9\" (has it run?)\n");
    auto run = e2e.fanout({"run"});
    CHECK(run.exit_code == 2);
    CHECK(run.err == "fanout: error: name at least one issue, or pass --label\n");
    auto review = e2e.fanout({"review", "1"});
    CHECK(review.err == "fanout: error: no workspace for issue \"1\" (start a run with: fanout run 1)\n");
  }
  SECTION("after a run") {
    e2e.append_config("approve_plan = true\n");
    auto ran = e2e.fanout({"run", "--label", "fanout"});
    INFO(ran.out << ran.err);
    CHECK(ran.exit_code == 1);
    auto runs = status(e2e);
    REQUIRE(runs.size() == 3);
    for (const auto& run : runs) {
      CHECK(run["state"] == "needs_human");
      CHECK(run["stage"] == "approve_plan");
    }
    CHECK(e2e.fanout({"resume", "2"}).err == "fanout: error: run \"2\" waits for plan approval (fanout approve 2)\n");
    auto logs = e2e.fanout({"logs", "2", "--stage", "plna"});
    CHECK(logs.err == "fanout: error: no transcript \"plna\" for issue \"2\" (did you mean \"plan\"?)\n");
    auto plan_log = e2e.fanout({"logs", "2", "--stage", "plan"});
    CHECK(plan_log.out.find("[plan] 1. change app.py for issue 2") != std::string::npos);

    auto approved = e2e.fanout({"approve", "2"});
    INFO(approved.out << approved.err);
    CHECK(approved.exit_code == 0);
    CHECK(by_issue(status(e2e), "2")["state"] == "done");
    CHECK(e2e.fanout({"approve", "2"}).err ==
          "fanout: error: run \"2\" is not waiting for plan approval (it is done at stage \"report\")\n");
  }
}

TEST_CASE("e2e: fanout cancel stops a run's process as Ctrl-C would, and says why it cannot stop others", "[e2e]") {
  E2e e2e;
  CHECK(e2e.fanout({"cancel", "9"}).err == "fanout: error: no run for issue \"9\" (start one with: fanout run 9)\n");
  e2e.script("BUILD-1", R"({"mode": "hang", "once": true})");
  const pid_t pid = e2e.start({"run", "1", "2"});
  REQUIRE(e2e.wait_for_call("BUILD 1"));
  auto cancelled = e2e.fanout({"cancel", "1"});
  INFO(cancelled.out << cancelled.err);
  CHECK(cancelled.exit_code == 0);
  CHECK(cancelled.out.rfind("asked process " + std::to_string(pid) + " to stop run \"1\"", 0) == 0);
  CHECK(cancelled.out.find("; resume with: fanout resume 1\n") != std::string::npos);
  auto ran = e2e.wait(pid);
  CHECK(ran.exit_code == 130);
  CHECK(by_issue(status(e2e), "1")["state"] == "cancelled");
  CHECK(e2e.fanout({"cancel", "1"}).err ==
        "fanout: error: run \"1\" is not running (it is cancelled at stage \"build\")\n");
}
