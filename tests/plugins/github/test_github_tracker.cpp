#include "tests/support/fake_github_server.hpp"
#include "tests/support/tracker_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace std::chrono;

namespace {

const std::string k_scope_hint =
    "a classic token needs the \"repo\" scope (\"public_repo\" for public repositories); a fine-grained token "
    "needs Issues and Pull requests read and write";

struct Fixture {
  FakeGithubServer github;
  std::unique_ptr<trackers::Services> services = trackers::make_services({{"GITHUB_TOKEN", github.token()}});
  plugins::Instance<sdk::IssueTracker> tracker =
      trackers::load<sdk::IssueTracker>(*services, "github", {{"repo", "acme/widgets"}, {"api_url", github.api_url()}});
  sdk::CancelToken cancel;
};

} // namespace

TEST_CASE("github tracker: lists open issues without pull requests across pages", "[github]") {
  Fixture f;
  for (int i = 1; i <= 230; ++i) f.github.add_issue({0, "issue " + std::to_string(i), "body", "open", {"bug"}});
  f.github.add_pull({0, "a pull request", "", "feature", "main"});
  f.github.add_issue({0, "closed one", "", "closed"});
  auto issues = f.tracker->list({}, f.cancel);
  REQUIRE(issues.ok());
  CHECK(issues->size() == 230);
  CHECK(issues->front().title == "issue 230");
  CHECK(issues->front().key == "230");
  CHECK(issues->front().labels == std::vector<std::string>{"bug"});
  CHECK(issues->front().url == "https://github.com/acme/widgets/issues/230");
  auto pages = f.github.requests("GET", "/repos/acme/widgets/issues");
  REQUIRE(pages.size() == 3);
  CHECK(pages[0].params.at("per_page") == "100");
  CHECK(pages[2].params.at("page") == "3");
  const auto& first = pages[0];
  CHECK(first.header("authorization") == "Bearer " + f.github.token());
  CHECK(first.header("accept") == "application/vnd.github+json");
  CHECK(first.header("x-github-api-version") == "2022-11-28");
  CHECK(first.header("user-agent") == "fanout-github");
}

TEST_CASE("github tracker: filters by labels, assignee and milestone", "[github]") {
  Fixture f;
  f.github.add_issue({0, "match", "", "open", {"bug", "easy"}, "octocat", "3"});
  f.github.add_issue({0, "wrong label", "", "open", {"bug"}, "octocat", "3"});
  f.github.add_issue({0, "wrong person", "", "open", {"bug", "easy"}, "hubot", "3"});
  sdk::IssueQuery query;
  query.labels = {"bug", "easy"};
  query.assignee = "octocat";
  query.milestone = "3";
  auto issues = f.tracker->list(query, f.cancel);
  REQUIRE(issues.ok());
  REQUIRE(issues->size() == 1);
  CHECK(issues->front().title == "match");
  auto sent = f.github.requests("GET", "/repos/acme/widgets/issues").front();
  CHECK(sent.params.at("labels") == "bug,easy");
  CHECK(sent.params.at("assignee") == "octocat");
  CHECK(sent.params.at("milestone") == "3");
}

TEST_CASE("github tracker: get, comment, labels and state", "[github]") {
  Fixture f;
  int n = f.github.add_issue({0, "Add health endpoint", "GET /health returns 200", "open", {"triage"}});
  const std::string key = std::to_string(n);
  auto issue = f.tracker->get("#" + key, f.cancel);
  REQUIRE(issue.ok());
  CHECK(issue->title == "Add health endpoint");
  CHECK(issue->body == "GET /health returns 200");
  CHECK(issue->state == "open");

  REQUIRE(f.tracker->comment(key, "fanout opened #7", f.cancel).ok());
  REQUIRE(f.tracker->set_labels(key, {"fanout"}, {"triage", "absent"}, f.cancel).ok());
  REQUIRE(f.tracker->set_state(key, "closed", f.cancel).ok());
  auto stored = f.github.issue(n);
  CHECK(stored->comments == std::vector<std::string>{"fanout opened #7"});
  CHECK(stored->labels == std::vector<std::string>{"fanout"});
  CHECK(stored->state == "closed");

  auto bad_state = f.tracker->set_state(key, "in review", f.cancel);
  REQUIRE_FALSE(bad_state.ok());
  CHECK(bad_state.failure().message == "github issues are \"open\" or \"closed\", not \"in review\"");
}

TEST_CASE("github tracker: errors users hit", "[github]") {
  Fixture f;
  int n = f.github.add_issue({0, "one", "", "open"});
  const std::string key = std::to_string(n);

  SECTION("404 names the issue and the repository") {
    auto r = f.tracker->get("999", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "github issue \"999\" not found in \"acme/widgets\"");
  }
  SECTION("a key that is not a number") {
    auto r = f.tracker->get("ENG-1", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "\"ENG-1\" is not a github issue number (expected e.g. \"42\" or \"#42\")");
  }
  SECTION("401 names the token's variable and the scope") {
    f.github.fail_next(FakeFailure::unauthorized);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message == "github rejected the token from GITHUB_TOKEN (HTTP 401 \"Bad credentials\"): check that it is "
                                 "valid and not expired; " + k_scope_hint);
    CHECK_THAT(f.services->captured_log(), Catch::Contains("http: GET " + f.github.api_url() + "/repos/acme/widgets/issues/1 -> 401"));
  }
  SECTION("403 without rate-limit signals names the variable and the scope") {
    f.github.forbid_next();
    auto r = f.tracker->comment(key, "hello", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message == "github denied POST /repos/acme/widgets/issues/1/comments (HTTP 403 \"Resource not accessible by "
                                 "personal access token\"): the token from GITHUB_TOKEN likely lacks a scope; " + k_scope_hint);
    CHECK(f.services->recorded_waits().empty());
  }
  SECTION("500 is retried, then explained") {
    f.github.fail_always(FakeFailure::server_error);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message ==
          "github failed with HTTP 500 \"Server Error\" for GET /repos/acme/widgets/issues/1 after 4 attempts; try again later");
    CHECK(f.github.requests("GET", "/repos/acme/widgets/issues/1").size() == 4);
  }
  SECTION("500 then 200 succeeds") {
    f.github.fail_next(FakeFailure::server_error, 2);
    CHECK(f.tracker->get(key, f.cancel).ok());
  }
  SECTION("429 with Retry-After waits as told, then succeeds") {
    f.github.set_retry_after(2);
    f.github.fail_next(FakeFailure::rate_limited);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE(r.ok());
    CHECK(f.services->recorded_waits() == std::vector<milliseconds>{seconds(2)});
  }
  SECTION("429 asking for longer than fanout waits fails as rate limited") {
    f.github.set_retry_after(3600);
    f.github.fail_always(FakeFailure::rate_limited);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::rate_limited);
    CHECK_THAT(r.failure().message, Catch::StartsWith("github: rate limited by 127.0.0.1:"));
    CHECK_THAT(r.failure().message, Catch::Contains(": asked to wait 1h, longer than the 1m fanout waits (the limit resets at "));
  }
  SECTION("garbage instead of JSON") {
    f.github.fail_next(FakeFailure::garbage);
    auto r = f.tracker->get(key, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "github returned a response that is not JSON for GET /repos/acme/widgets/issues/1 (HTTP 200)");
  }
  // The token never leaks into messages or the log, whatever happened.
  CHECK_THAT(f.services->captured_log(), !Catch::Contains(f.github.token()));
}

TEST_CASE("github tracker: a huge body is capped for the prompt and says so", "[github]") {
  Fixture f;
  int n = f.github.add_issue({0, "huge", std::string(1'200'000, 'x'), "open"});
  auto issue = f.tracker->get(std::to_string(n), f.cancel);
  REQUIRE(issue.ok());
  CHECK(issue->body.size() < 70'000);
  CHECK_THAT(issue->body, Catch::EndsWith("\n\n[body truncated by fanout: 1.2 MB, showing the first 64 KiB]"));
}

TEST_CASE("github tracker: token sources", "[github]") {
  FakeGithubServer github;
  sdk::CancelToken cancel;
  github.add_issue({0, "one", "", "open"});
  const nlohmann::json config = {{"repo", "acme/widgets"}, {"api_url", github.api_url()}};

  SECTION("GH_TOKEN when GITHUB_TOKEN is unset") {
    auto services = trackers::make_services({{"GH_TOKEN", github.token()}});
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "github", config);
    CHECK(tracker->get("1", cancel).ok());
  }
  SECTION("token_env names the variable, and its absence is explained") {
    auto services = trackers::make_services({{"GITHUB_TOKEN", "wrong-token-value"}});
    nlohmann::json with_env = config;
    with_env["token_env"] = "ACME_GH_TOKEN";
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "github", with_env);
    auto r = tracker->get("1", cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK(r.failure().message == "github needs a token: environment variable \"ACME_GH_TOKEN\" (named by token_env) is not set; " +
                                     k_scope_hint);
    CHECK(github.requests().empty());
  }
  SECTION("a wrong token from token_env is named in the 401") {
    auto services = trackers::make_services({{"ACME_GH_TOKEN", "ghp_wrong_but_long_enough"}});
    nlohmann::json with_env = config;
    with_env["token_env"] = "ACME_GH_TOKEN";
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "github", with_env);
    auto r = tracker->get("1", cancel);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure().message, Catch::StartsWith("github rejected the token from ACME_GH_TOKEN (HTTP 401"));
    CHECK_THAT(r.failure().message, !Catch::Contains("ghp_wrong_but_long_enough"));
    CHECK_THAT(services->captured_log(), !Catch::Contains("ghp_wrong_but_long_enough"));
  }
  SECTION("a bad repo setting") {
    auto services = trackers::make_services({{"GITHUB_TOKEN", github.token()}});
    auto tracker = trackers::load<sdk::IssueTracker>(*services, "github", {{"repo", "widgets"}, {"api_url", github.api_url()}});
    auto r = tracker->list({}, cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "github: config key \"repo\" is \"widgets\", expected \"owner/name\"");
  }
}

// ---- write-back: the status comment edited in place, states, labels

TEST_CASE("github tracker: the status comment is created once, then edited in place", "[github][write_back]") {
  Fixture f;
  const int n = f.github.add_issue({0, "Add health endpoint", "", "open", {}, "", "", {"a person's comment"}});
  const std::string key = std::to_string(n);
  auto made = f.tracker->put_comment(key, "", "fanout is working on this issue.", f.cancel);
  REQUIRE(made.ok());
  CHECK(f.github.comments(n).back().id == std::stoll(*made));
  auto edited = f.tracker->put_comment(key, *made, "fanout: in review", f.cancel);
  REQUIRE(edited.ok());
  CHECK(*edited == *made);
  CHECK(f.github.issue(n)->comments == std::vector<std::string>{"a person's comment", "fanout: in review"});
  auto patches = f.github.requests("PATCH", "/repos/acme/widgets/issues/comments/" + *made);
  REQUIRE(patches.size() == 1);
  CHECK(nlohmann::json::parse(patches[0].body) == nlohmann::json{{"body", "fanout: in review"}});
  CHECK(f.github.requests("POST", "/repos/acme/widgets/issues/" + key + "/comments").size() == 1);
}

TEST_CASE("github tracker: a status comment a person deleted is made again", "[github][write_back]") {
  Fixture f;
  const int n = f.github.add_issue({0, "one", "", "open"});
  const std::string key = std::to_string(n);
  auto made = f.tracker->put_comment(key, "", "first", f.cancel);
  REQUIRE(made.ok());
  REQUIRE(f.github.delete_comment(std::stoll(*made)));
  auto again = f.tracker->put_comment(key, *made, "second", f.cancel);
  REQUIRE(again.ok());
  CHECK(*again != *made);
  CHECK(f.github.issue(n)->comments == std::vector<std::string>{"second"});
  REQUIRE(f.github.comments(n).size() == 1);
  CHECK(f.github.comments(n)[0].id == std::stoll(*again));
}

TEST_CASE("github tracker: write-back errors users hit", "[github][write_back]") {
  Fixture f;
  const int n = f.github.add_issue({0, "one", "", "open", {"fanout:review"}});
  const std::string key = std::to_string(n);
  SECTION("a state github does not have lists the two it has") {
    auto r = f.tracker->set_state(key, "In Review", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "github issues are \"open\" or \"closed\", not \"In Review\"");
  }
  SECTION("a comment id that is not a number") {
    auto r = f.tracker->put_comment(key, "c1", "x", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "\"c1\" is not a github comment id (expected digits)");
  }
  SECTION("403 on the edit names the request and the scope, and makes no new comment") {
    auto made = f.tracker->put_comment(key, "", "first", f.cancel);
    REQUIRE(made.ok());
    f.github.forbid_next();
    auto r = f.tracker->put_comment(key, *made, "second", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::auth);
    CHECK_THAT(r.failure().message, Catch::StartsWith("github denied PATCH /repos/acme/widgets/issues/comments/" + *made +
                                                      " (HTTP 403 \"Resource not accessible by personal access token\")"));
    CHECK(f.github.issue(n)->comments == std::vector<std::string>{"first"});
  }
  SECTION("a missing issue") {
    auto r = f.tracker->put_comment("999", "", "x", f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().kind == sdk::FailureKind::not_found);
    CHECK(r.failure().message == "github issue \"999\" not found in \"acme/widgets\"");
  }
  SECTION("500 on every attempt") {
    f.github.fail_always(FakeFailure::server_error);
    auto r = f.tracker->set_labels(key, {"fanout:help"}, {"fanout:review"}, f.cancel);
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure().message == "github failed with HTTP 500 \"Server Error\" for POST /repos/acme/widgets/issues/" + key +
                                     "/labels after 4 attempts; try again later");
  }
  SECTION("labels move: the new one added, the old one removed, an absent one ignored") {
    REQUIRE(f.tracker->set_labels(key, {"fanout:help"}, {"fanout:review", "fanout:failed"}, f.cancel).ok());
    CHECK(f.github.issue(n)->labels == std::vector<std::string>{"fanout:help"});
  }
}
