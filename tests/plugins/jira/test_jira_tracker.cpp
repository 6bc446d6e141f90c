#include "tests/support/fake_jira_server.hpp"
#include "tests/support/tracker_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace std::chrono;
using nlohmann::json;

namespace {

json adf_paragraph(const std::string& text) {
  return {{"type", "doc"}, {"version", 1},
          {"content", json::array({{{"type", "paragraph"}, {"content", json::array({{{"type", "text"}, {"text", text}}})}}})}};
}

/// The text of an ADF doc's first paragraph.
std::string first_text(const json& doc) { return doc["content"][0]["content"][0]["text"]; }

struct Fixture {
  FakeJiraServer jira;
  std::unique_ptr<trackers::Services> services =
      trackers::make_services({{"JIRA_EMAIL", jira.email()}, {"JIRA_API_TOKEN", jira.token()}});
  plugins::Instance<sdk::IssueTracker> tracker =
      trackers::load<sdk::IssueTracker>(*services, "jira", {{"site", jira.site()}, {"project", "PROJ"}});
  sdk::CancelToken cancel;
};

} // namespace

TEST_CASE("jira tracker: searches with /search/jql across nextPageToken pages", "[jira]") {
  Fixture f;
  f.jira.set_max_page_size(3);
  for (int i = 1; i <= 8; ++i) f.jira.add_issue({"", "task " + std::to_string(i), adf_paragraph("d"), "To Do", {"backend"}});
  f.jira.add_issue({"", "finished", nullptr, "Done"});
  auto issues = f.tracker->list({}, f.cancel);
  REQUIRE(issues.ok());
  REQUIRE(issues->size() == 8);
  CHECK(issues->front().key == "PROJ-1");
  CHECK(issues->front().body == "d");
  CHECK(issues->front().state == "to do");
  CHECK(issues->front().url == f.jira.site() + "/browse/PROJ-1");
  auto pages = f.jira.requests("POST", "/rest/api/3/search/jql");
  REQUIRE(pages.size() == 3);
  const json first = json::parse(pages[0].body);
  CHECK(first["jql"] == "project = \"PROJ\" AND statusCategory != Done ORDER BY updated DESC");
  CHECK_FALSE(first.contains("nextPageToken"));
  CHECK(json::parse(pages[1].body)["nextPageToken"] == "page-3");
  CHECK(json::parse(pages[2].body)["nextPageToken"] == "page-6");
  CHECK(first["fields"].size() == 6);
  // Never the removed endpoint.
  CHECK(f.jira.requests("POST", "/rest/api/3/search").empty());
  CHECK(f.jira.requests("GET", "/rest/api/3/search").empty());
  CHECK(pages[0].header("authorization").rfind("Basic ", 0) == 0);
}

TEST_CASE("jira tracker: labels and state become JQL, a configured jql replaces it", "[jira]") {
  Fixture f;
  f.jira.add_issue({"", "a", nullptr, "In Progress", {"bug"}});
  f.jira.add_issue({"", "b", nullptr, "In Progress", {"ui"}});
  sdk::IssueQuery query;
  query.state = "In Progress";
  query.labels = {"bug"};
  auto issues = f.tracker->list(query, f.cancel);
  REQUIRE(issues.ok());
  REQUIRE(issues->size() == 1);
  CHECK(issues->front().title == "a");
  CHECK(json::parse(f.jira.requests().back().body)["jql"] ==
        "project = \"PROJ\" AND status = \"In Progress\" AND labels = \"bug\" ORDER BY updated DESC");

  auto custom = trackers::load<sdk::IssueTracker>(*f.services, "jira", {{"site", f.jira.site()}, {"jql", "labels = \"ui\""}});
  auto listed = custom->list({}, f.cancel);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().title == "b");
}

TEST_CASE("jira tracker: get converts ADF, comments are ADF, transitions by name", "[jira]") {
  Fixture f;
  json description = json::parse(R"({"type":"doc","version":1,"content":[
      {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Goal"}]},
      {"type":"paragraph","content":[{"type":"text","text":"Return "},{"type":"text","text":"200","marks":[{"type":"code"}]},
                                     {"type":"text","text":" from /health, "},{"type":"mention","attrs":{"id":"1","text":"@Ana"}}]}]})");
  const std::string key = f.jira.add_issue({"", "Health endpoint", description, "To Do"});
  auto issue = f.tracker->get(key, f.cancel);
  REQUIRE(issue.ok());
  CHECK(issue->title == "Health endpoint");
  CHECK(issue->body == "## Goal\n\nReturn `200` from /health, @Ana");
  CHECK(f.jira.requests("GET", "/rest/api/3/issue/" + key).front().params.at("fields") ==
        "summary,description,status,labels,issuetype,assignee");

  REQUIRE(f.tracker->comment(key, "Opened **PR** https://github.com/acme/widgets/pull/3", f.cancel).ok());
  auto stored = f.jira.issue(key);
  REQUIRE(stored.comments.size() == 1);
  CHECK(stored.comments[0]["content"][0]["content"][1]["marks"][0]["type"] == "strong");

  REQUIRE(f.tracker->set_state(key, "In Progress", f.cancel).ok()); // the target status's name
  CHECK(f.jira.issue(key).status == "In Progress");
  REQUIRE(f.tracker->set_state(key, "Resolve", f.cancel).ok()); // the transition's own name
  CHECK(f.jira.issue(key).status == "Done");
  auto bad = f.tracker->set_state(key, "Shipped", f.cancel);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message ==
        "jira issue \"" + key + "\" has no transition to \"Shipped\" (available: \"Stop Progress\", \"Start Progress\")");
}

TEST_CASE("jira tracker: errors users hit", "[jira]") {
  Fixture f;
  const std::string key = f.jira.add_issue({"", "one", nullptr, "To Do"});
  SECTION("404 names the key") {
    auto r = f.tracker->get("PROJ-404", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "jira issue \"PROJ-404\" not found (or the account in JIRA_EMAIL cannot see it)");
  }
  SECTION("401 names both variables") {
    f.jira.fail_next(FakeFailure::unauthorized);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message ==
          "jira rejected the credentials from JIRA_EMAIL and JIRA_API_TOKEN (HTTP 401 \"You are not authenticated. "
          "Authentication required to perform this operation.\"): use your Atlassian account email and an API token");
  }
  SECTION("403 names the permission") {
    f.jira.forbid_next();
    auto r = f.tracker->comment(key, "hi", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message == "jira denied POST /rest/api/3/issue/PROJ-1/comment (HTTP 403 \"You do not have permission to add "
                                 "comments to this issue.\"): the account in JIRA_EMAIL likely lacks the Browse projects, Add "
                                 "comments or Transition issues permission");
  }
  SECTION("429 with Retry-After is waited out") {
    f.jira.set_retry_after(5);
    f.jira.fail_next(FakeFailure::rate_limited);
    REQUIRE(f.tracker->get(key, f.cancel).ok());
    CHECK(f.services->recorded_waits() == std::vector<milliseconds>{seconds(5)});
  }
  SECTION("5xx is retried, then explained") {
    f.jira.fail_always(FakeFailure::server_error);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message ==
          "jira failed with HTTP 500 \"Internal server error\" for GET /rest/api/3/issue/PROJ-1 after 4 attempts; try again later");
  }
  SECTION("an HTML page instead of JSON") {
    f.jira.fail_next(FakeFailure::garbage);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "jira returned a response that is not JSON for GET /rest/api/3/issue/PROJ-1 (HTTP 200): "
                                 "check that \"" + f.jira.site() + "\" is a Jira Cloud site");
  }
  SECTION("a site without the enhanced search answers 410, which is explained") {
    f.jira.set_enhanced_search_gone(true);
    auto r = f.tracker->list({}, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::unsupported);
    CHECK(r.failure().message ==
          "jira says POST /rest/api/3/search/jql is gone (HTTP 410 \"The requested API has been removed.\"); fanout searches "
          "with Jira Cloud's /rest/api/3/search/jql and never the removed /rest/api/3/search: check that \"" +
              f.jira.site() + "\" is a Jira Cloud site");
  }
  SECTION("a bad key") {
    auto r = f.tracker->get("proj 1", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "\"proj 1\" is not a jira issue key (expected e.g. \"PROJ-123\")");
  }
  SECTION("a huge description is capped") {
    const std::string big = f.jira.add_issue({"", "big", adf_paragraph(std::string(100'000, 'z')), "To Do"});
    auto r = f.tracker->get(big, f.cancel);
    REQUIRE(r.ok());
    CHECK_THAT(r->body, Catch::EndsWith("[body truncated by fanout: 100.0 KB, showing the first 64 KiB]"));
  }
  const std::string log = f.services->captured_log();
  CHECK_THAT(log, !Catch::Contains(f.jira.token()));
}

TEST_CASE("jira tracker: missing credentials and site are explained", "[jira]") {
  FakeJiraServer jira;
  sdk::CancelToken cancel;
  SECTION("no token") {
    auto services = trackers::make_services({{"JIRA_EMAIL", jira.email()}});
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "jira", {{"site", jira.site()}, {"project", "PROJ"}});
    auto r = tracker->list({}, cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "jira needs an API token: environment variable \"JIRA_API_TOKEN\" is not set (create one at "
                                 "https://id.atlassian.com/manage-profile/security/api-tokens)");
  }
  SECTION("custom variable names") {
    auto services = trackers::make_services({{"ACME_JIRA_USER", jira.email()}, {"ACME_JIRA_KEY", jira.token()}});
    auto tracker = trackers::load<sdk::IssueTracker>(
        *services, "jira", {{"site", jira.site()}, {"project", "PROJ"}, {"email_env", "ACME_JIRA_USER"}, {"token_env", "ACME_JIRA_KEY"}});
    CHECK(tracker->list({}, cancel).ok());
  }
  SECTION("no project and no jql") {
    auto services = trackers::make_services({{"JIRA_EMAIL", jira.email()}, {"JIRA_API_TOKEN", jira.token()}});
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "jira", {{"site", jira.site()}});
    auto r = tracker->list({}, cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "jira: set \"project\" or \"jql\" in the tracker config to list issues");
  }
}

// ---- write-back: the status comment edited in place, states, labels

TEST_CASE("jira tracker: the status comment is created once in ADF, then edited in place", "[jira][write_back]") {
  Fixture f;
  const std::string key = f.jira.add_issue({"", "Health endpoint", nullptr, "To Do"});
  auto made = f.tracker->put_comment(key, "", "fanout is working on this issue.", f.cancel);
  REQUIRE(made.ok());
  CHECK(f.jira.issue(key).comment_ids == std::vector<std::string>{*made});
  auto edited = f.tracker->put_comment(key, *made, "fanout: **in review**", f.cancel);
  REQUIRE(edited.ok());
  CHECK(*edited == *made);
  const auto stored = f.jira.issue(key);
  REQUIRE(stored.comments.size() == 1);
  CHECK(first_text(stored.comments[0]) == "fanout: ");
  CHECK(stored.comments[0]["content"][0]["content"][1]["marks"][0]["type"] == "strong");
  CHECK(f.jira.requests("PUT", "/rest/api/3/issue/" + key + "/comment/" + *made).size() == 1);
}

TEST_CASE("jira tracker: a status comment a person deleted is made again", "[jira][write_back]") {
  Fixture f;
  const std::string key = f.jira.add_issue({"", "one", nullptr, "To Do"});
  auto made = f.tracker->put_comment(key, "", "first", f.cancel);
  REQUIRE(made.ok());
  REQUIRE(f.jira.delete_comment(*made));
  auto again = f.tracker->put_comment(key, *made, "second", f.cancel);
  REQUIRE(again.ok());
  CHECK(*again != *made);
  const auto stored = f.jira.issue(key);
  REQUIRE(stored.comments.size() == 1);
  CHECK(first_text(stored.comments[0]) == "second");
}

TEST_CASE("jira tracker: transitions and labels for the run's phase", "[jira][write_back]") {
  Fixture f;
  const std::string key = f.jira.add_issue({"", "one", nullptr, "To Do", {"backend", "fanout-review"}});
  SECTION("the transition is found by its target status and posted") {
    REQUIRE(f.tracker->set_state(key, "in progress", f.cancel).ok());
    CHECK(f.jira.issue(key).status == "In Progress");
    const auto posted = f.jira.requests("POST", "/rest/api/3/issue/" + key + "/transitions");
    REQUIRE(posted.size() == 1);
    CHECK(json::parse(posted[0].body) == json{{"transition", {{"id", "21"}}}});
  }
  SECTION("an unknown status lists the transitions available") {
    auto r = f.tracker->set_state(key, "In Review", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message ==
          "jira issue \"" + key + "\" has no transition to \"In Review\" (available: \"Start Progress\", \"Resolve\")");
  }
  SECTION("labels are added and removed with the edit-issue update verbs") {
    REQUIRE(f.tracker->set_labels(key, {"fanout-help"}, {"fanout-review", "fanout-failed"}, f.cancel).ok());
    CHECK(f.jira.issue(key).labels == std::vector<std::string>{"backend", "fanout-help"});
    const auto put = f.jira.requests("PUT", "/rest/api/3/issue/" + key);
    REQUIRE(put.size() == 1);
    CHECK(json::parse(put[0].body) ==
          json{{"update", {{"labels", json::array({{{"add", "fanout-help"}}, {{"remove", "fanout-review"}},
                                                   {{"remove", "fanout-failed"}}})}}}});
  }
  SECTION("a label with a space is refused before jira refuses the whole edit") {
    auto r = f.tracker->set_labels(key, {"needs human"}, {}, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "jira labels cannot be empty or contain spaces: \"needs human\"");
    CHECK(f.jira.requests("PUT", "/rest/api/3/issue/" + key).empty());
  }
}

TEST_CASE("jira tracker: status comment errors", "[jira][write_back]") {
  Fixture f;
  const std::string key = f.jira.add_issue({"", "one", nullptr, "To Do"});
  auto made = f.tracker->put_comment(key, "", "first", f.cancel);
  REQUIRE(made.ok());
  SECTION("403 on the edit names the permission and makes no new comment") {
    f.jira.forbid_next();
    auto r = f.tracker->put_comment(key, *made, "second", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK_THAT(r.failure().message, Catch::StartsWith("jira denied PUT /rest/api/3/issue/" + key + "/comment/" + *made));
    CHECK(f.jira.issue(key).comments.size() == 1);
  }
  SECTION("401") {
    f.jira.fail_next(FakeFailure::unauthorized);
    auto r = f.tracker->put_comment(key, *made, "second", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK_THAT(r.failure().message, Catch::StartsWith("jira rejected the credentials from JIRA_EMAIL and JIRA_API_TOKEN"));
  }
  SECTION("a comment id that is not a number") {
    auto r = f.tracker->put_comment(key, "c1", "x", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "\"c1\" is not a jira comment id (expected digits)");
  }
  SECTION("500 on every attempt") {
    f.jira.fail_always(FakeFailure::server_error);
    auto r = f.tracker->put_comment(key, *made, "second", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "jira failed with HTTP 500 \"Internal server error\" for PUT /rest/api/3/issue/" + key +
                                     "/comment/" + *made + " after 4 attempts; try again later");
  }
}
