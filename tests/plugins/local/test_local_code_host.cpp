#include "tests/plugins/local/local_helpers.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using fanout::sdk::CancelToken;
using fanout::sdk::PullRequestDraft;
using fanout::sdk::PullRequestState;
using fanout::test::LocalPluginFixture;

namespace {

/// A repo with main and a feature branch one commit ahead.
void make_branches(LocalPluginFixture& f) {
  f.write("README.md", "hello\n");
  REQUIRE(f.git("add README.md") == 0);
  REQUIRE(f.git("commit -q -m init") == 0);
  REQUIRE(f.git("checkout -q -b fanout/1-health") == 0);
  f.write("health.txt", "ok\n");
  REQUIRE(f.git("add health.txt") == 0);
  REQUIRE(f.git("commit -q -m health") == 0);
  REQUIRE(f.git("checkout -q main") == 0);
}

} // namespace

TEST_CASE("local code host: open writes a record, a rendering and finds it by branch", "[local]") {
  LocalPluginFixture f(true);
  make_branches(f);
  auto& host = f.code_host();
  REQUIRE(host.push(f.root(), "fanout/1-health", {}, CancelToken()).ok());

  auto none = host.find("fanout/1-health", CancelToken());
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  auto pr = host.open(PullRequestDraft{"Add health", "Closes 1", "fanout/1-health", "main", false}, CancelToken());
  REQUIRE(pr.ok());
  CHECK(pr->id == "1");
  CHECK(pr->state == PullRequestState::open);
  CHECK(pr->url == "file://" + (f.root() / ".fanout/prs/1.md").string());

  const auto record = nlohmann::json::parse(f.read(".fanout/prs/1.json"));
  CHECK(record["id"] == "1");
  CHECK(record["number"] == 1);
  CHECK(record["title"] == "Add health");
  CHECK(record["body"] == "Closes 1");
  CHECK(record["head"] == "fanout/1-health");
  CHECK(record["base"] == "main");
  CHECK(record["state"] == "open");
  CHECK(f.read(".fanout/prs/1.md").rfind("# Add health\n\n- id: 1\n- head: fanout/1-health\n- base: main\n- state: open\n", 0) == 0);

  auto found = host.find("fanout/1-health", CancelToken());
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == "1");

  auto second = host.open(PullRequestDraft{"Other", "", "fanout/2-x", "main", true}, CancelToken());
  REQUIRE(second.ok());
  CHECK(second->id == "2");
  CHECK(second->draft);
}

TEST_CASE("local code host: merged when the head branch is an ancestor of the base", "[local]") {
  LocalPluginFixture f(true);
  make_branches(f);
  auto& host = f.code_host();
  auto pr = host.open(PullRequestDraft{"Add health", "", "fanout/1-health", "main", false}, CancelToken());
  REQUIRE(pr.ok());
  auto before = host.get("1", CancelToken());
  REQUIRE(before.ok());
  CHECK(before->state == PullRequestState::open);

  REQUIRE(f.git("merge -q --no-ff -m merge fanout/1-health") == 0);
  auto after = host.get("1", CancelToken());
  REQUIRE(after.ok());
  CHECK(after->state == PullRequestState::merged);
  CHECK(nlohmann::json::parse(f.read(".fanout/prs/1.json"))["state"] == "merged");

  SECTION("and stays merged after the branch is deleted") {
    REQUIRE(f.git("branch -q -D fanout/1-health") == 0);
    auto again = host.get("1", CancelToken());
    REQUIRE(again.ok());
    CHECK(again->state == PullRequestState::merged);
  }
}

TEST_CASE("local code host: update and reviews", "[local]") {
  LocalPluginFixture f(true);
  make_branches(f);
  auto& host = f.code_host();
  auto pr = host.open(PullRequestDraft{"Add health", "v1", "fanout/1-health", "main", false}, CancelToken());
  REQUIRE(pr.ok());
  pr->title = "Add /health";
  pr->body = "v2";
  auto updated = host.update(*pr, CancelToken());
  REQUIRE(updated.ok());
  CHECK(updated->title == "Add /health");
  CHECK(nlohmann::json::parse(f.read(".fanout/prs/1.json"))["body"] == "v2");

  fanout::sdk::PullRequestReview review;
  review.event = fanout::sdk::ReviewEvent::request_changes;
  review.body = "Missing a test.";
  review.comments.push_back({"health.txt", 1, "Say more than ok."});
  REQUIRE(host.review(*updated, review, CancelToken()).ok());
  review.event = fanout::sdk::ReviewEvent::approve;
  review.body = "Good now.";
  review.comments.clear();
  REQUIRE(host.review(*updated, review, CancelToken()).ok());

  const auto reviews = nlohmann::json::parse(f.read(".fanout/prs/1-reviews.json"));
  REQUIRE(reviews.size() == 2);
  CHECK(reviews[0]["event"] == "request_changes");
  CHECK(reviews[0]["body"] == "Missing a test.");
  CHECK(reviews[0]["comments"][0] == nlohmann::json{{"path", "health.txt"}, {"line", 1}, {"body", "Say more than ok."}});
  CHECK(reviews[1]["event"] == "approve");
  const std::string md = f.read(".fanout/prs/1.md");
  CHECK(md.find("## Reviews") != std::string::npos);
  CHECK(md.find("- `health.txt:1` Say more than ok.") != std::string::npos);

  auto missing = host.get("9", CancelToken());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.failure().kind == fanout::sdk::FailureKind::not_found);
  CHECK(missing.failure().message == "pull request \"9\" not found in .fanout/prs");
}
