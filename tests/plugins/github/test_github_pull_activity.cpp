// The github code host after a pull request is open: checks, job logs, comments, replies.

#include "tests/plugins/github/github_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;

namespace {

/// The code host and one open pull request whose head is "c0ffee".
struct Fixture : GithubCodeHostFixture {
  sdk::PullRequest pr;

  Fixture() {
    const int n = github.add_pull({0, "Add health", "Closes #7", "fanout/7-health", "main"});
    github.set_pull_head(n, "c0ffee", true, "clean");
    pr.id = std::to_string(n);
    pr.head = "fanout/7-health";
    pr.base = "main";
    pr.head_sha = "c0ffee";
  }
  int number() const { return std::stoi(pr.id); }
};

const sdk::Check* named(const std::vector<sdk::Check>& checks, const std::string& name) {
  for (const auto& check : checks)
    if (check.name == name) return &check;
  return nullptr;
}

} // namespace

TEST_CASE("github code host: checks merge check runs and statuses, the newest of each name",
          "[github][checks]") {
  Fixture f;
  const long long first_build =
      f.github.add_check_run({0, "c0ffee", "build", "completed", "failure", "Build failed"});
  const long long rerun =
      f.github.add_check_run({0, "c0ffee", "build", "completed", "success", "Build passed"});
  f.github.add_check_run({0, "c0ffee", "lint", "in_progress", ""});
  f.github.add_check_run({0, "c0ffee", "e2e", "completed", "timed_out", "", "took too long"});
  f.github.add_check_run({0, "c0ffee", "docs", "completed", "skipped"});
  f.github.add_check_run({0, "c0ffee", "coverage", "completed", "action_required", "", "", "codecov"});
  f.github.add_check_run({0, "0ld", "old-commit", "completed", "failure"});
  f.github.add_status({"c0ffee", "ci/deploy", "pending", "deploying", "https://ci.example.com/d/1"});
  f.github.add_status({"c0ffee", "ci/deploy", "error", "deploy failed", "https://ci.example.com/d/2"});
  f.github.add_status({"c0ffee", "ci/license", "success", "ok"});
  f.github.set_max_per_page(2); // every list spans pages

  auto checks = f.host->checks(f.pr, f.cancel);
  REQUIRE(checks.ok());
  CHECK(checks->size() == 7);
  const sdk::Check* build = named(*checks, "build");
  REQUIRE(build);
  CHECK(build->id == std::to_string(rerun)); // the re-run, not the failed first run
  CHECK(build->id != std::to_string(first_build));
  CHECK(build->state == sdk::CheckState::success);
  CHECK(build->conclusion == "success");
  CHECK(build->summary == "Build passed");
  CHECK(build->url == "https://github.com/acme/widgets/actions/runs/1/job/" + build->id);

  REQUIRE(named(*checks, "lint"));
  CHECK(named(*checks, "lint")->state == sdk::CheckState::pending);
  CHECK(named(*checks, "lint")->conclusion == "");
  REQUIRE(named(*checks, "e2e"));
  CHECK(named(*checks, "e2e")->state == sdk::CheckState::failure);
  CHECK(named(*checks, "e2e")->conclusion == "timed_out");
  CHECK(named(*checks, "e2e")->summary == "took too long");
  REQUIRE(named(*checks, "docs"));
  CHECK(named(*checks, "docs")->state == sdk::CheckState::neutral);
  REQUIRE(named(*checks, "coverage"));
  CHECK(named(*checks, "coverage")->state == sdk::CheckState::failure);
  CHECK_THAT(named(*checks, "coverage")->id, Catch::StartsWith("check-run/"));
  CHECK_FALSE(named(*checks, "old-commit"));

  const sdk::Check* deploy = named(*checks, "ci/deploy");
  REQUIRE(deploy);
  CHECK(deploy->state == sdk::CheckState::failure); // the newer status wins
  CHECK(deploy->conclusion == "error");
  CHECK(deploy->summary == "deploy failed");
  CHECK(deploy->url == "https://ci.example.com/d/2");
  CHECK_THAT(deploy->id, Catch::StartsWith("status/"));
  REQUIRE(named(*checks, "ci/license"));
  CHECK(named(*checks, "ci/license")->state == sdk::CheckState::success);

  CHECK(f.github.requests("GET", "/repos/acme/widgets/commits/c0ffee/check-runs").size() == 3);
  CHECK(f.github.requests("GET", "/repos/acme/widgets/commits/c0ffee/statuses").size() == 2);

  SECTION("without a head commit, the pull request is read first") {
    sdk::PullRequest bare;
    bare.id = f.pr.id;
    auto again = f.host->checks(bare, f.cancel);
    REQUIRE(again.ok());
    CHECK(again->size() == 7);
  }
}

TEST_CASE("github code host: a check's log is the tail of its Actions job log, in whole lines",
          "[github][checks]") {
  Fixture f;
  std::string log;
  for (int i = 1; i <= 200; ++i)
    log += "2025-01-05T00:00:00.0000000Z line " + std::to_string(i) + "\n";
  log += "2025-01-05T00:00:00.0000000Z ##[error]Process completed with exit code 1.\n";
  const long long job =
      f.github.add_check_run({0, "c0ffee", "build", "completed", "failure", "", "", "github-actions", log});
  f.github.add_status({"c0ffee", "ci/legacy", "failure", "broken"});
  auto checks = f.host->checks(f.pr, f.cancel);
  REQUIRE(checks.ok());

  auto tail = f.host->check_log(f.pr, *named(*checks, "build"), 200, f.cancel);
  REQUIRE(tail.ok());
  CHECK(tail->size() <= 200);
  CHECK(tail->rfind("2025-01-05T00:00:00.0000000Z line ", 0) == 0); // starts at a whole line
  CHECK_THAT(*tail, Catch::EndsWith("##[error]Process completed with exit code 1.\n"));
  CHECK(log.substr(log.size() - tail->size()) == *tail);
  // The API answered 302 to the signed URL; the client followed it without the token.
  CHECK(
      f.github.requests("GET", "/repos/acme/widgets/actions/jobs/" + std::to_string(job) + "/logs").size() ==
      1);
  CHECK(f.github.logs_requests_with_authorization() == 0);

  SECTION("a log shorter than the limit comes whole") {
    auto whole = f.host->check_log(f.pr, *named(*checks, "build"), 1 << 20, f.cancel);
    REQUIRE(whole.ok());
    CHECK(*whole == log);
  }
  SECTION("a commit status has no log") {
    auto none = f.host->check_log(f.pr, *named(*checks, "ci/legacy"), 200, f.cancel);
    REQUIRE(none.ok());
    CHECK(*none == "");
  }
  SECTION("a job without a log says so") {
    sdk::Check gone = *named(*checks, "build");
    gone.id = "77";
    auto missing = f.host->check_log(f.pr, gone, 200, f.cancel);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.failure().kind == sdk::FailureKind::not_found);
    CHECK(missing.failure().message ==
          "github has no log for check \"build\" (job 77): the job may still be running, or "
          "its logs expired or were deleted");
  }
}

TEST_CASE("github code host: comments of all three kinds, all pages, oldest first", "[github][comments]") {
  Fixture f;
  const int n = f.number();
  const long long line = f.github.add_review_comment({0, n, "src/health.cpp", 12, 0, "handle the error"});
  f.github.add_review({n, "COMMENT", "", nlohmann::json::array(), "alice"}); // empty body: nothing to answer
  const long long review =
      f.github.add_review({n, "REQUEST_CHANGES", "Please add a test.", nlohmann::json::array(), "alice"});
  const long long talk = f.github.add_comment(n, {0, "Also update the README?", "bob"});
  const long long bot = f.github.add_comment(n, {0, "Coverage 81%", "codecov[bot]", "Bot"});
  const long long answer =
      f.github.add_review_comment({0, n, "src/health.cpp", 12, line, "and log it", "carol"});
  const long long outdated = f.github.add_review_comment({0, n, "src/old.cpp", 0, 0, "stale remark"});
  f.github.set_max_per_page(1);

  auto comments = f.host->comments(f.pr, f.cancel);
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 6);
  const auto& c = *comments;
  CHECK(c[0].id == "discussion_r" + std::to_string(line));
  CHECK(c[0].kind == sdk::CommentKind::line);
  CHECK(c[0].author == "octocat");
  CHECK(c[0].path == "src/health.cpp");
  CHECK(c[0].line == 12);
  CHECK(c[0].in_reply_to == "");
  CHECK(c[0].body == "handle the error");
  CHECK(c[0].url ==
        "https://github.com/acme/widgets/pull/" + f.pr.id + "#discussion_r" + std::to_string(line));
  CHECK(c[1].id == "pullrequestreview-" + std::to_string(review));
  CHECK(c[1].kind == sdk::CommentKind::review);
  CHECK(c[1].author == "alice");
  CHECK(c[1].body == "Please add a test.");
  CHECK(c[2].id == "issuecomment-" + std::to_string(talk));
  CHECK(c[2].kind == sdk::CommentKind::conversation);
  CHECK(c[2].author == "bob");
  CHECK_FALSE(c[2].author_is_bot);
  CHECK(c[3].id == "issuecomment-" + std::to_string(bot));
  CHECK(c[3].author_is_bot);
  CHECK(c[4].id == "discussion_r" + std::to_string(answer));
  CHECK(c[4].in_reply_to == "discussion_r" + std::to_string(line));
  CHECK(c[5].id == "discussion_r" + std::to_string(outdated));
  CHECK(c[5].line == 0);
  for (size_t i = 1; i < c.size(); ++i)
    CHECK(c[i - 1].created_at < c[i].created_at);
  CHECK(f.github.requests("GET", "/repos/acme/widgets/pulls/" + f.pr.id + "/comments").size() == 3);
}

TEST_CASE("github code host: replies go into the comment's thread or onto the conversation",
          "[github][comments]") {
  Fixture f;
  const int n = f.number();
  const long long first = f.github.add_review_comment({0, n, "src/health.cpp", 12, 0, "handle the error"});
  f.github.add_review_comment({0, n, "src/health.cpp", 12, first, "and log it", "carol"});
  f.github.add_comment(n, {0, "Also update the README?\nIt still says v1.", "bob"});
  auto comments = f.host->comments(f.pr, f.cancel);
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 3);

  SECTION("a line comment is answered in its thread") {
    auto id = f.host->reply(f.pr, (*comments)[0], "Fixed in abc1234.", f.cancel);
    REQUIRE(id.ok());
    const auto stored = f.github.review_comments(n);
    REQUIRE(stored.size() == 3);
    CHECK(*id == "discussion_r" + std::to_string(stored[2].id));
    CHECK(stored[2].in_reply_to == first);
    CHECK(stored[2].body == "Fixed in abc1234.");
  }
  SECTION("a reply in a thread is answered under the thread's first comment") {
    auto id = f.host->reply(f.pr, (*comments)[1], "Logged too.", f.cancel);
    REQUIRE(id.ok());
    const auto stored = f.github.review_comments(n);
    REQUIRE(stored.size() == 3);
    CHECK(stored[2].in_reply_to == first);
  }
  SECTION("a conversation comment is answered on the conversation, quoted and linked") {
    auto id = f.host->reply(f.pr, (*comments)[2], "Done in def5678.", f.cancel);
    REQUIRE(id.ok());
    const auto stored = f.github.comments(n);
    REQUIRE(stored.size() == 2);
    CHECK(*id == "issuecomment-" + std::to_string(stored[1].id));
    CHECK(stored[1].body == "In reply to @bob ([comment](" + (*comments)[2].url +
                                ")):\n\n"
                                "> Also update the README?\n> It still says v1.\n\nDone in def5678.");
  }
  SECTION("a long comment is quoted in its first lines, cut between characters") {
    std::string line = "a";
    for (int i = 0; i < 150; ++i)
      line += "\xc3\xa9"; // "é": two bytes each: byte 200 is inside one
    const long long long_one = f.github.add_comment(n, {0, "one\n" + line + "\nthree\nfour\nfive", "dora"});
    sdk::PullRequestComment to = (*comments)[2];
    to.id = "issuecomment-" + std::to_string(long_one);
    to.author = "dora";
    to.body = f.github.comments(n).back().body;
    REQUIRE(f.host->reply(f.pr, to, "Done.", f.cancel).ok());
    const std::string posted = f.github.comments(n).back().body;
    const std::string cut = line.substr(0, 199); // "a" and 99 whole characters
    CHECK(posted.find("\n\n> one\n> " + cut + "...\n> three\n> four\n> ...\n\nDone.") != std::string::npos);
  }
  SECTION("a reply is sent once, not retried after a server error") {
    f.github.fail_next(FakeFailure::server_error, 1);
    auto failed = f.host->reply(f.pr, (*comments)[0], "Fixed.", f.cancel);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.failure().message ==
          "github failed with HTTP 500 \"Server Error\" for POST /repos/acme/widgets/pulls/" + f.pr.id +
              "/comments/" + std::to_string(first) +
              "/replies (not retried: it may have taken effect; check before trying again)");
    CHECK(f.github
              .requests("POST", "/repos/acme/widgets/pulls/" + f.pr.id + "/comments/" +
                                    std::to_string(first) + "/replies")
              .size() == 1);
  }
  SECTION("a comment that is gone") {
    sdk::PullRequestComment gone = (*comments)[0];
    gone.id = "discussion_r424242";
    auto missing = f.host->reply(f.pr, gone, "Fixed.", f.cancel);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.failure().kind == sdk::FailureKind::not_found);
    CHECK(missing.failure().message == "github pull request \"" + f.pr.id +
                                           "\" or its comment \"discussion_r424242\" not "
                                           "found in \"acme/widgets\"");
  }
  SECTION("an empty reply is refused by GitHub") {
    auto empty = f.host->reply(f.pr, (*comments)[0], "", f.cancel);
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.failure().kind == sdk::FailureKind::invalid_input);
    CHECK_THAT(empty.failure().message, Catch::EndsWith("/replies (HTTP 422 \"Validation Failed\")"));
  }
}

TEST_CASE("github code host: reading checks and comments reports GitHub's failures",
          "[github][checks][comments]") {
  Fixture f;
  SECTION("a rejected token") {
    f.github.fail_next(FakeFailure::unauthorized, 1);
    auto checks = f.host->checks(f.pr, f.cancel);
    REQUIRE_FALSE(checks.ok());
    CHECK(checks.failure().kind == sdk::FailureKind::auth);
    CHECK_THAT(
        checks.failure().message,
        Catch::StartsWith("github rejected the token from GITHUB_TOKEN (HTTP 401 \"Bad credentials\")"));
  }
  SECTION("a missing pull request") {
    sdk::PullRequest gone = f.pr;
    gone.id = "999";
    auto comments = f.host->comments(gone, f.cancel);
    REQUIRE_FALSE(comments.ok());
    CHECK(comments.failure().kind == sdk::FailureKind::not_found);
    CHECK(comments.failure().message ==
          "github found nothing at GET /repos/acme/widgets/pulls/999/comments?per_page=100 "
          "(HTTP 404): check that \"acme/widgets\" exists and the token from GITHUB_TOKEN can see it");
  }
  SECTION("a server error after the retries") {
    f.github.fail_always(FakeFailure::server_error);
    auto comments = f.host->comments(f.pr, f.cancel);
    REQUIRE_FALSE(comments.ok());
    CHECK(comments.failure().kind == sdk::FailureKind::error);
    CHECK(comments.failure().message ==
          "github failed with HTTP 500 \"Server Error\" for GET /repos/acme/widgets/pulls/" + f.pr.id +
              "/comments?per_page=100 after 4 attempts; try again later");
  }
  SECTION("a token without the scope for checks or logs is told which it needs") {
    f.github.forbid_next(1);
    auto checks = f.host->checks(f.pr, f.cancel);
    REQUIRE_FALSE(checks.ok());
    CHECK(checks.failure().kind == sdk::FailureKind::auth);
    CHECK_THAT(checks.failure().message,
               Catch::StartsWith("github denied GET /repos/acme/widgets/commits/c0ffee/check-runs"));
    CHECK_THAT(checks.failure().message,
               Catch::EndsWith("; reading checks needs Checks read and Commit statuses read"));
    f.github.forbid_next(1);
    auto log = f.host->check_log(f.pr, {"12", "build"}, 100, f.cancel);
    REQUIRE_FALSE(log.ok());
    CHECK_THAT(log.failure().message, Catch::EndsWith("; reading a job log needs Actions read"));
  }
  SECTION("a rate limit that outlasts the retries") {
    f.github.fail_always(FakeFailure::rate_limited);
    auto checks = f.host->checks(f.pr, f.cancel);
    REQUIRE_FALSE(checks.ok());
    CHECK(checks.failure().kind == sdk::FailureKind::rate_limited);
  }
}

TEST_CASE("github code host: a CI service on the fake checks each new head commit once", "[github][checks]") {
  Fixture f;
  std::vector<std::string> asked;
  f.github.set_ci([&](const std::string& sha) {
    asked.push_back(sha);
    const bool fixed = sha == "fixed";
    return std::vector<FakeGithubCheckRun>{{0, "", "build", "completed", fixed ? "success" : "failure", "",
                                            "", "github-actions", fixed ? "ok\n" : "error: broken\n"}};
  });
  auto first = f.host->checks(f.pr, f.cancel);
  REQUIRE(first.ok());
  REQUIRE(first->size() == 1);
  CHECK((*first)[0].state == sdk::CheckState::failure);
  auto log = f.host->check_log(f.pr, (*first)[0], 100, f.cancel);
  REQUIRE(log.ok());
  CHECK(*log == "error: broken\n");
  REQUIRE(f.host->checks(f.pr, f.cancel).ok());

  f.pr.head_sha = "fixed";
  auto second = f.host->checks(f.pr, f.cancel);
  REQUIRE(second.ok());
  REQUIRE(second->size() == 1);
  CHECK((*second)[0].state == sdk::CheckState::success);
  CHECK(asked == std::vector<std::string>{"c0ffee", "fixed"});
}
