// Notifications from real runs: the fanout executable with the fake agents and the fake
// GitHub, a [[notify]] webhook posting to a local receiver.
#include "tests/support/e2e.hpp"
#include "tests/support/notifier_harness.hpp"
#include "tests/support/scoped_env.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace fanout::test;
using namespace fanout::test::notifiers;
using nlohmann::json;

namespace {

std::vector<json> bodies(const WebhookReceiver& receiver) {
  std::vector<json> out;
  for (const auto& post : receiver.posts()) out.push_back(json::parse(post.body));
  return out;
}

} // namespace

TEST_CASE("e2e notify: plan approval, ready PR and fleet done arrive once each, across restarts", "[e2e][notify]") {
  E2e e2e;
  WebhookReceiver receiver;
  ScopedEnv url("FANOUT_WEBHOOK_URL", receiver.url());
  e2e.append_config("approve_plan = true\n\n[[notify]]\nplugin = \"webhook\"\nretry_delay = \"50ms\"\n");
  receiver.answer({500}); // the first delivery is retried

  auto ran = e2e.fanout({"run", "1"});
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 1); // waits for approval
  auto posts = bodies(receiver);
  REQUIRE(posts.size() == 3);
  CHECK(posts[0]["event"] == "plan_approval");
  CHECK(posts[1] == posts[0]); // the retry after HTTP 500
  CHECK(posts[0]["issue"] == "1");
  CHECK(posts[0]["issue_title"] == "add a health endpoint");
  CHECK(posts[0]["action"] == "fanout approve 1");
  CHECK(posts[0]["stage"] == "approve_plan");
  CHECK(posts[2]["event"] == "fleet_done");
  CHECK(posts[2]["runs"] == json::parse(R"([{"issue": "1", "state": "needs_human", "pr_url": ""}])"));
  // The failed attempt was logged as a warning, without the URL (a secret).
  CHECK(ran.err.find("fanout: warning: [[notify]] \"webhook\": plan_approval of \"1\": attempt 1 of 4 failed: "
                     "webhook answered HTTP 500") != std::string::npos);
  CHECK(ran.err.find(receiver.url()) == std::string::npos);

  // The same run again: it still waits for the same plan, nothing new to say.
  auto again = e2e.fanout({"run", "1"});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 1);
  CHECK(receiver.posts().size() == 3);

  auto approved = e2e.fanout({"approve", "1"});
  INFO(approved.out << approved.err);
  CHECK(approved.exit_code == 0);
  posts = bodies(receiver);
  REQUIRE(posts.size() == 5);
  CHECK(posts[3]["event"] == "pr_ready");
  CHECK(posts[3]["issue"] == "1");
  CHECK(posts[3]["pr_url"].get<std::string>().find("/pull/") != std::string::npos);
  CHECK(posts[4]["event"] == "fleet_done");
  CHECK(posts[4]["runs"][0]["state"] == "done");

  // A resume of a finished run sends nothing again.
  auto resumed = e2e.fanout({"run", "1"});
  INFO(resumed.out << resumed.err);
  CHECK(receiver.posts().size() == 5);
}

TEST_CASE("e2e notify: a failed run is announced; a missing webhook URL stops the command before any run", "[e2e][notify]") {
  E2e e2e;
  WebhookReceiver receiver;
  SECTION("failed, then the fleet") {
    ScopedEnv url("FANOUT_WEBHOOK_URL", receiver.url());
    e2e.append_config("\n[[notify]]\nplugin = \"webhook\"\nformat = \"slack\"\nevents = [\"failed\"]\n");
    e2e.script("BUILD-2", R"({"mode": "is_error"})");
    auto ran = e2e.fanout({"run", "2"});
    INFO(ran.out << ran.err);
    CHECK(ran.exit_code == 1);
    const auto posts = bodies(receiver);
    REQUIRE(posts.size() == 1); // fleet_done is not among this notifier's events
    const std::string text = posts[0]["text"];
    CHECK(text.rfind("fanout: 2 failed\nIssue 2 \"count todos\"", 0) == 0);
    CHECK(text.find("failed at stage \"build\"") != std::string::npos);
    CHECK(text.find("Continue it with: fanout resume 2") != std::string::npos);
  }
  SECTION("the URL's variable is not set") {
    e2e.append_config("\n[[notify]]\nplugin = \"webhook\"\n");
    auto ran = e2e.fanout({"run", "1"});
    CHECK(ran.exit_code != 0);
    CHECK(ran.err == "fanout: error: [[notify]]: plugin \"webhook\" failed to create its notifier: environment "
                     "variable \"FANOUT_WEBHOOK_URL\" is not set (it holds the webhook's URL: set it, or name another "
                     "with url_env)\n");
    CHECK(e2e.calls().empty());
  }
}
