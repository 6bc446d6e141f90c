#include "tests/support/fake_linear_server.hpp"
#include "tests/support/tracker_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace std::chrono;

namespace {

struct Fixture {
  explicit Fixture(bool oauth = false) : linear("lin_api_fake0123456789", "ENG", oauth) {}
  FakeLinearServer linear;
  std::unique_ptr<trackers::Services> services = trackers::make_services({{"LINEAR_API_KEY", linear.key()}});
  plugins::Instance<sdk::IssueTracker> tracker =
      trackers::load<sdk::IssueTracker>(*services, "linear", {{"team", "ENG"}, {"api_url", linear.api_url()}});
  sdk::CancelToken cancel;
};

nlohmann::json body_of(const RecordedRequest& r) { return nlohmann::json::parse(r.body); }

} // namespace

TEST_CASE("linear tracker: lists a team's open issues across cursor pages", "[linear]") {
  Fixture f;
  f.linear.set_max_page_size(4);
  for (int i = 1; i <= 10; ++i) f.linear.add_issue({"", "task " + std::to_string(i), "desc", "Todo", {"backend"}});
  f.linear.add_issue({"", "finished", "", "Done"});
  auto issues = f.tracker->list({}, f.cancel);
  REQUIRE(issues.ok());
  REQUIRE(issues->size() == 10);
  CHECK(issues->front().key == "ENG-1");
  CHECK(issues->front().state == "todo");
  CHECK(issues->front().labels == std::vector<std::string>{"backend"});
  CHECK(issues->front().url == "https://linear.app/acme/issue/ENG-1");
  auto pages = f.linear.requests("POST", "/graphql");
  REQUIRE(pages.size() == 3);
  CHECK(body_of(pages[0])["variables"]["after"].is_null());
  CHECK(body_of(pages[1])["variables"]["after"] == "cursor-4");
  CHECK(body_of(pages[2])["variables"]["after"] == "cursor-8");
  // A personal API key goes without "Bearer".
  CHECK(pages[0].header("authorization") == f.linear.key());
  CHECK(body_of(pages[0])["variables"]["filter"]["and"][0] == nlohmann::json::parse(R"({"team":{"key":{"eq":"ENG"}}})"));
}

TEST_CASE("linear tracker: filters by state and label", "[linear]") {
  Fixture f;
  f.linear.add_issue({"", "a", "", "In Progress", {"bug"}});
  f.linear.add_issue({"", "b", "", "In Progress", {"feature"}});
  f.linear.add_issue({"", "c", "", "Todo", {"bug"}});
  sdk::IssueQuery query;
  query.state = "in progress";
  query.labels = {"Bug"};
  auto issues = f.tracker->list(query, f.cancel);
  REQUIRE(issues.ok());
  REQUIRE(issues->size() == 1);
  CHECK(issues->front().title == "a");
}

TEST_CASE("linear tracker: get by identifier, comment, move state", "[linear]") {
  Fixture f;
  const std::string key = f.linear.add_issue({"", "Add health endpoint", "## Goal\nGET /health", "Todo"});
  auto issue = f.tracker->get(key, f.cancel);
  REQUIRE(issue.ok());
  CHECK(issue->title == "Add health endpoint");
  CHECK(issue->body == "## Goal\nGET /health");

  REQUIRE(f.tracker->comment(key, "PR: https://github.com/acme/widgets/pull/3", f.cancel).ok());
  CHECK(f.linear.issue(key).comments == std::vector<std::string>{"PR: https://github.com/acme/widgets/pull/3"});

  REQUIRE(f.tracker->set_state(key, "In Progress", f.cancel).ok());
  CHECK(f.linear.issue(key).state == "In Progress");
  REQUIRE(f.tracker->set_state(key, "done", f.cancel).ok());
  CHECK(f.linear.issue(key).state == "Done");

  auto bad = f.tracker->set_state(key, "Shipping", f.cancel);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message == "linear team \"ENG\" has no workflow state \"Shipping\" (it has \"Backlog\", \"Todo\", "
                                 "\"In Progress\", \"Done\", \"Canceled\")");
}

TEST_CASE("linear tracker: errors users hit", "[linear]") {
  Fixture f;
  const std::string key = f.linear.add_issue({"", "one", "", "Todo"});
  SECTION("unknown identifier") {
    auto r = f.tracker->get("ENG-999", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "linear issue \"ENG-999\" not found");
  }
  SECTION("a rejected key, answered as HTTP 400 or 401") {
    for (int status : {400, 401}) {
      f.linear.set_auth_failure_status(status);
      f.linear.fail_next(FakeFailure::unauthorized);
      auto r = f.tracker->get(key, f.cancel);
      REQUIRE_FALSE(r.ok());
      CHECK(r.failure().kind == sdk::FailureKind::auth);
      CHECK(r.failure().message ==
            "linear rejected the API key from LINEAR_API_KEY (sent without \"Bearer\"; set auth = \"oauth\" for OAuth tokens)");
    }
  }
  SECTION("FORBIDDEN names the variable") {
    f.linear.forbid_next();
    auto r = f.tracker->comment(key, "hi", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message == "linear denied access with the API key from LINEAR_API_KEY: You don't have access to this team "
                                 "(the key needs read and write access to the team)");
  }
  SECTION("RATELIMITED as HTTP 400 is retried, then succeeds") {
    f.linear.set_retry_after(3);
    f.linear.fail_next(FakeFailure::rate_limited, 2);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE(r.ok());
    CHECK(f.services->recorded_waits() == std::vector<milliseconds>{seconds(3), seconds(3)});
  }
  SECTION("RATELIMITED on every attempt fails as rate limited") {
    f.linear.fail_always(FakeFailure::rate_limited);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::rate_limited);
    CHECK_THAT(r.failure().message, Catch::StartsWith("linear: rate limited by 127.0.0.1:"));
    CHECK_THAT(r.failure().message, Catch::Contains(" after 4 attempts (the limit resets at "));
  }
  SECTION("500 is retried, then explained") {
    f.linear.fail_always(FakeFailure::server_error);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "linear failed with HTTP 500 after 4 attempts; try again later");
  }
  SECTION("garbage") {
    f.linear.fail_next(FakeFailure::garbage);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "linear returned a response that is not JSON (HTTP 200)");
  }
  SECTION("a huge description is capped") {
    const std::string big = f.linear.add_issue({"", "big", std::string(200'000, 'y'), "Todo"});
    auto r = f.tracker->get(big, f.cancel);
    REQUIRE(r.ok());
    CHECK_THAT(r->body, Catch::EndsWith("[body truncated by fanout: 200.0 KB, showing the first 64 KiB]"));
  }
  CHECK_THAT(f.services->captured_log(), !Catch::Contains(f.linear.key()));
}

TEST_CASE("linear tracker: OAuth tokens go as Bearer, and a missing key is explained", "[linear]") {
  SECTION("oauth") {
    FakeLinearServer linear("lin_oauth_fake0123456789", "ENG", true);
    linear.add_issue({"", "one", "", "Todo"});
    auto services = trackers::make_services({{"LINEAR_TOKEN", linear.key()}});
    auto tracker = trackers::load<sdk::IssueTracker>(
        *services, "linear", {{"api_url", linear.api_url()}, {"auth", "oauth"}, {"token_env", "LINEAR_TOKEN"}});
    REQUIRE(tracker->get("ENG-1", sdk::CancelToken{}).ok());
    CHECK(linear.requests().front().header("authorization") == "Bearer " + linear.key());
  }
  SECTION("missing") {
    FakeLinearServer linear;
    auto services = trackers::make_services({});
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "linear", {{"api_url", linear.api_url()}});
    auto r = tracker->get("ENG-1", sdk::CancelToken{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message == "linear needs a personal API key: environment variable \"LINEAR_API_KEY\" is not set "
                                 "(create a key under Settings > Security & access > Personal API keys)");
  }
}

// ---- write-back: the status comment edited in place, states, labels

TEST_CASE("linear tracker: the status comment is created once, then edited in place", "[linear][write_back]") {
  Fixture f;
  const std::string key = f.linear.add_issue({"", "Add health endpoint", "", "Todo", {}, "", {"a person's comment"}});
  auto made = f.tracker->put_comment(key, "", "fanout is working on this issue.", f.cancel);
  REQUIRE(made.ok());
  CHECK(f.linear.issue(key).comment_ids.back() == *made);
  auto edited = f.tracker->put_comment(key, *made, "fanout: in review", f.cancel);
  REQUIRE(edited.ok());
  CHECK(*edited == *made);
  CHECK(f.linear.issue(key).comments == std::vector<std::string>{"a person's comment", "fanout: in review"});
  const auto sent = f.linear.requests("POST", "/graphql");
  const auto update = body_of(sent.back());
  CHECK_THAT(update["query"].get<std::string>(), Catch::Contains("commentUpdate(id: $id, input: { body: $body })"));
  CHECK(update["variables"] == nlohmann::json{{"id", *made}, {"body", "fanout: in review"}});
}

TEST_CASE("linear tracker: a status comment a person deleted is made again", "[linear][write_back]") {
  Fixture f;
  const std::string key = f.linear.add_issue({"", "one", "", "Todo"});
  auto made = f.tracker->put_comment(key, "", "first", f.cancel);
  REQUIRE(made.ok());
  REQUIRE(f.linear.delete_comment(*made));
  auto again = f.tracker->put_comment(key, *made, "second", f.cancel);
  REQUIRE(again.ok());
  CHECK(*again != *made);
  CHECK(f.linear.issue(key).comments == std::vector<std::string>{"second"});
}

TEST_CASE("linear tracker: moving to a workflow state", "[linear][write_back]") {
  Fixture f;
  const std::string key = f.linear.add_issue({"", "one", "", "Todo"});
  SECTION("by the state's own name, any case") {
    REQUIRE(f.tracker->set_state(key, "in progress", f.cancel).ok());
    CHECK(f.linear.issue(key).state == "In Progress");
    const auto update = body_of(f.linear.requests("POST", "/graphql").back());
    CHECK(update["variables"]["stateId"] == "state-In Progress");
  }
  SECTION("an unknown state lists the team's states") {
    auto r = f.tracker->set_state(key, "In Review", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "linear team \"ENG\" has no workflow state \"In Review\" (it has \"Backlog\", \"Todo\", "
                                 "\"In Progress\", \"Done\", \"Canceled\")");
    CHECK(f.linear.issue(key).state == "Todo");
  }
  SECTION("labels by name: one added, one removed, in one issueUpdate") {
    f.linear.add_label("fanout-review");
    const std::string labelled = f.linear.add_issue({"", "two", "", "Todo", {"backend", "fanout-help"}});
    REQUIRE(f.tracker->set_labels(labelled, {"fanout-review"}, {"fanout-help", "fanout-failed"}, f.cancel).ok());
    CHECK(f.linear.issue(labelled).labels == std::vector<std::string>{"backend", "fanout-review"});
    const auto update = body_of(f.linear.requests("POST", "/graphql").back());
    CHECK_THAT(update["query"].get<std::string>(), Catch::Contains("addedLabelIds: $added, removedLabelIds: $removed"));
    CHECK(update["variables"]["added"] == nlohmann::json{"label-fanout-review"});
    CHECK(update["variables"]["removed"] == nlohmann::json{"label-fanout-help"});
  }
  SECTION("a label that does not exist is named, and nothing changes") {
    auto r = f.tracker->set_labels(key, {"fanout-review"}, {}, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message ==
          "linear has no label \"fanout-review\" in the workspace or team \"ENG\" (create it in Linear first)");
    CHECK(f.linear.issue(key).labels.empty());
  }
}

TEST_CASE("linear tracker: status comment errors", "[linear][write_back]") {
  Fixture f;
  const std::string key = f.linear.add_issue({"", "one", "", "Todo"});
  auto made = f.tracker->put_comment(key, "", "first", f.cancel);
  REQUIRE(made.ok());
  SECTION("a rejected key on the edit") {
    f.linear.fail_next(FakeFailure::unauthorized);
    auto r = f.tracker->put_comment(key, *made, "second", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(f.linear.issue(key).comments == std::vector<std::string>{"first"}); // never a second comment
  }
  SECTION("500 on every attempt") {
    f.linear.fail_always(FakeFailure::server_error);
    auto r = f.tracker->put_comment(key, *made, "second", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "linear failed with HTTP 500 after 4 attempts; try again later");
  }
  SECTION("a missing issue") {
    auto r = f.tracker->put_comment("ENG-404", "", "x", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "linear issue \"ENG-404\" not found");
  }
}
