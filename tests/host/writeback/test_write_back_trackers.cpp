// WriteBack through the real tracker plugins against their fake services: Jira transitions
// and labels, Linear workflow states, and one status comment edited across restarts.
#include "host/state/state_db.hpp"
#include "host/writeback/write_back.hpp"
#include "tests/support/fake_jira_server.hpp"
#include "tests/support/fake_linear_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tracker_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::writeback;

TEST_CASE("write-back through jira: transitions, labels and one comment edited across restarts",
          "[write_back][jira]") {
  TempDir dir("writeback-jira");
  const auto db = state::StateDb::path_for(dir.path());
  FakeJiraServer jira;
  auto services = trackers::make_services({{"JIRA_EMAIL", jira.email()}, {"JIRA_API_TOKEN", jira.token()}});
  auto tracker =
      trackers::load<sdk::IssueTracker>(*services, "jira", {{"site", jira.site()}, {"project", "PROJ"}});
  const std::string key = jira.add_issue({"", "Health endpoint", nullptr, "To Do", {"backend"}});
  Settings settings;
  settings.states = {{Phase::in_progress, "In Progress"}, {Phase::done, "Done"}};
  settings.labels = {{Phase::in_review, "fanout-review"}, {Phase::needs_human, "fanout-help"}};
  settings.status_comment = true;
  sdk::CancelToken cancel;

  REQUIRE(WriteBack(*tracker, settings, db).write(key, Phase::in_progress, "", cancel).ok());
  CHECK(jira.issue(key).status == "In Progress");
  REQUIRE(jira.issue(key).comments.size() == 1);

  // Each write from a new WriteBack, as from a restarted fanout: the same comment is edited.
  REQUIRE(WriteBack(*tracker, settings, db).write(key, Phase::in_review, "", cancel).ok());
  CHECK(jira.issue(key).labels == std::vector<std::string>{"backend", "fanout-review"});
  REQUIRE(WriteBack(*tracker, settings, db).write(key, Phase::done, "merged by ana", cancel).ok());
  const auto issue = jira.issue(key);
  CHECK(issue.status == "Done");
  CHECK(issue.labels == std::vector<std::string>{"backend"});
  REQUIRE(issue.comments.size() == 1);
  CHECK(issue.comments[0]["content"][1]["content"][0]["text"] == "merged by ana");
  CHECK(jira.requests("POST", "/rest/api/3/issue/" + key + "/comment").size() == 1);

  SECTION("a status the workflow cannot reach is named with the transitions there are") {
    settings.states[Phase::needs_human] = "Blocked";
    auto written = WriteBack(*tracker, settings, db).write(key, Phase::needs_human, "", cancel);
    REQUIRE_FALSE(written.ok());
    CHECK(written.failure().message ==
          "write-back to issue \"" + key + "\" (needs_human) failed: state \"Blocked\": jira issue \"" + key +
              "\" has no transition to \"Blocked\" (available: \"Stop Progress\", \"Start Progress\")");
    CHECK(jira.issue(key).labels ==
          std::vector<std::string>{"backend", "fanout-help"}); // the labels still moved
  }
}

TEST_CASE("write-back through linear: workflow states by name and one comment", "[write_back][linear]") {
  TempDir dir("writeback-linear");
  const auto db = state::StateDb::path_for(dir.path());
  FakeLinearServer linear;
  auto services = trackers::make_services({{"LINEAR_API_KEY", linear.key()}});
  auto tracker = trackers::load<sdk::IssueTracker>(*services, "linear",
                                                   {{"team", "ENG"}, {"api_url", linear.api_url()}});
  const std::string key = linear.add_issue({"", "Health endpoint", "", "Todo"});
  Settings settings;
  settings.states = {{Phase::in_progress, "In Progress"}, {Phase::done, "Done"}};
  settings.status_comment = true;
  sdk::CancelToken cancel;
  WriteBack write_back(*tracker, settings, db);

  REQUIRE(write_back.write(key, Phase::in_progress, "", cancel).ok());
  CHECK(linear.issue(key).state == "In Progress");
  REQUIRE(write_back.write(key, Phase::done, "", cancel).ok());
  CHECK(linear.issue(key).state == "Done");
  REQUIRE(linear.issue(key).comments.size() == 1);
  CHECK(linear.issue(key).comments[0].rfind("**fanout**: the pull request was merged.", 0) == 0);
}
