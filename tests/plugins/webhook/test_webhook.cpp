// webhook, the real built plugin loaded through the registry, posting to a local receiver.
#include "host/services/secrets.hpp"
#include "tests/support/notifier_harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace fanout;
using namespace fanout::test::notifiers;
using nlohmann::json;

namespace {

const std::filesystem::path k_repo = std::filesystem::temp_directory_path();

} // namespace

TEST_CASE("webhook: json format posts every field of the notification", "[webhook]") {
  WebhookReceiver receiver;
  auto webhook = load_notifier("webhook", json::object(), k_repo, {{"FANOUT_WEBHOOK_URL", receiver.url()}});
  auto n = sample(sdk::NotifyEvent::needs_human);
  REQUIRE(webhook->notify(n, sdk::CancelToken()).ok());
  const auto posts = receiver.posts();
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].path == "/hook");
  CHECK(posts[0].content_type == "application/json");
  const auto body = json::parse(posts[0].body);
  CHECK(body["event"] == "needs_human");
  CHECK(body["title"] == n.title);
  CHECK(body["text"] == n.text);
  CHECK(body["repo"] == "shop");
  CHECK(body["issue"] == "42");
  CHECK(body["issue_title"] == "add a health endpoint");
  CHECK(body["issue_url"] == n.issue_url);
  CHECK(body["state"] == "needs_human");
  CHECK(body["stage"] == "report");
  CHECK(body["reason"] == n.reason);
  CHECK(body["pr_url"] == n.pr_url);
  CHECK(body["action"] == "fanout status");
  CHECK(body["runs"] == json::array());
}

TEST_CASE("webhook: fleet_done lists every run", "[webhook]") {
  WebhookReceiver receiver;
  auto webhook = load_notifier("webhook", json::object(), k_repo, {{"FANOUT_WEBHOOK_URL", receiver.url()}});
  sdk::Notification n;
  n.event = sdk::NotifyEvent::fleet_done;
  n.title = "fanout: 2 run(s) ended";
  n.runs = {{"1", "done", "https://example.invalid/pull/1"}, {"2", "failed", ""}};
  REQUIRE(webhook->notify(n, sdk::CancelToken()).ok());
  const auto body = json::parse(receiver.posts().at(0).body);
  CHECK(body["event"] == "fleet_done");
  CHECK(body["runs"] == json::parse(R"([{"issue": "1", "state": "done", "pr_url": "https://example.invalid/pull/1"},
                                        {"issue": "2", "state": "failed", "pr_url": ""}])"));
}

TEST_CASE("webhook: slack and discord formats send one message field", "[webhook]") {
  WebhookReceiver receiver;
  auto n = sample(sdk::NotifyEvent::pr_ready);
  SECTION("slack: {\"text\": title and text}") {
    auto webhook = load_notifier("webhook", {{"format", "slack"}}, k_repo, {{"FANOUT_WEBHOOK_URL", receiver.url()}});
    REQUIRE(webhook->notify(n, sdk::CancelToken()).ok());
    CHECK(json::parse(receiver.posts().at(0).body) == json{{"text", n.title + "\n" + n.text}});
  }
  SECTION("discord: {\"content\": title and text}, at most 2000 characters") {
    auto webhook = load_notifier("webhook", {{"format", "discord"}}, k_repo, {{"FANOUT_WEBHOOK_URL", receiver.url()}});
    REQUIRE(webhook->notify(n, sdk::CancelToken()).ok());
    CHECK(json::parse(receiver.posts().at(0).body) == json{{"content", n.title + "\n" + n.text}});
    n.text = std::string(3000, 'x');
    REQUIRE(webhook->notify(n, sdk::CancelToken()).ok());
    const std::string content = json::parse(receiver.posts().at(1).body)["content"];
    CHECK(content.size() == 2000);
    CHECK(content.substr(content.size() - 3) == "\u2026");
  }
}

TEST_CASE("webhook: a failed delivery is one attempt with a message that says why", "[webhook]") {
  WebhookReceiver receiver;
  auto webhook = load_notifier("webhook", json::object(), k_repo, {{"FANOUT_WEBHOOK_URL", receiver.url()}});
  SECTION("HTTP 500 is a failure the host may retry (the plugin does not)") {
    receiver.answer({500});
    auto sent = webhook->notify(sample(sdk::NotifyEvent::failed), sdk::CancelToken());
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.failure().kind == sdk::FailureKind::error);
    CHECK(sent.failure().message == "webhook answered HTTP 500: receiver says no");
    CHECK(receiver.posts().size() == 1);
  }
  SECTION("HTTP 404 will not change on a retry") {
    receiver.answer({404});
    auto sent = webhook->notify(sample(sdk::NotifyEvent::failed), sdk::CancelToken());
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(sent.failure().message == "webhook answered HTTP 404: receiver says no");
  }
}

TEST_CASE("webhook: refuses to start without a usable URL", "[webhook]") {
  SECTION("the environment variable is not set") {
    auto loaded = try_load_notifier("webhook", json::object(), k_repo);
    REQUIRE(std::holds_alternative<std::string>(loaded));
    CHECK(std::get<std::string>(loaded) ==
          "plugin \"webhook\" failed to create its notifier: environment variable \"FANOUT_WEBHOOK_URL\" is not set "
          "(it holds the webhook's URL: set it, or name another with url_env)");
  }
  SECTION("url_env names another variable") {
    auto loaded = try_load_notifier("webhook", {{"url_env", "TEAM_HOOK"}}, k_repo, {{"FANOUT_WEBHOOK_URL", "x"}});
    REQUIRE(std::holds_alternative<std::string>(loaded));
    CHECK(std::get<std::string>(loaded).find("environment variable \"TEAM_HOOK\" is not set") != std::string::npos);
  }
  SECTION("the variable holds no http(s) URL") {
    auto loaded = try_load_notifier("webhook", json::object(), k_repo, {{"FANOUT_WEBHOOK_URL", "ftp://example.invalid/x"}});
    REQUIRE(std::holds_alternative<std::string>(loaded));
    CHECK(std::get<std::string>(loaded) == "plugin \"webhook\" failed to create its notifier: environment variable "
                                           "\"FANOUT_WEBHOOK_URL\" does not hold an http:// or https:// URL");
  }
  SECTION("an unknown format") {
    auto loaded = try_load_notifier("webhook", {{"format", "teams"}}, k_repo, {{"FANOUT_WEBHOOK_URL", "http://x"}});
    REQUIRE(std::holds_alternative<std::string>(loaded));
    CHECK(std::get<std::string>(loaded) ==
          "plugin \"webhook\" failed to create its notifier: unknown format \"teams\" (expected json, slack or discord)");
  }
}

TEST_CASE("webhook: the URL is registered as a secret", "[webhook]") {
  WebhookReceiver receiver;
  const std::string url = receiver.url() + "?key=hook-secret-123";
  auto webhook = load_notifier("webhook", json::object(), k_repo, {{"FANOUT_WEBHOOK_URL", url}});
  CHECK(services::SecretRegistry::global().redact("posting to " + url) == "posting to ***");
}
