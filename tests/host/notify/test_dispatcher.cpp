// The dispatcher with the real webhook plugin and a local receiver: one POST per event,
// retries with backoff on failure, at most once across restarts, redaction.
#include "host/notify/delivery_log.hpp"
#include "host/notify/dispatcher.hpp"
#include "host/services/secrets.hpp"
#include "tests/support/notifier_harness.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

using namespace fanout;
using namespace fanout::test::notifiers;
using fanout::test::TempDir;
using nlohmann::json;

namespace {

/// A webhook notifier posting to `receiver`, and the state store of a scratch repo.
struct Setup {
  explicit Setup(WebhookReceiver& receiver, json config = json::object())
      : webhook(load_notifier("webhook", config, dir.path(), {{"FANOUT_WEBHOOK_URL", receiver.url()}})) {}

  notify::Target target(std::vector<sdk::NotifyEvent> events = {sdk::NotifyEvent::needs_human,
                                                                sdk::NotifyEvent::fleet_done},
                        int retries = 3) {
    return {"team-hook", std::move(events), retries, std::chrono::milliseconds(20), webhook.instance.get()};
  }
  std::filesystem::path db() const { return dir.path() / "state.db"; }

  TempDir dir{"notify"};
  LoadedNotifier webhook;
};

} // namespace

TEST_CASE("notify: one POST per event, only to notifiers that take it", "[notify]") {
  WebhookReceiver receiver;
  Setup setup(receiver);
  {
    notify::Dispatcher dispatcher(setup.db(), {setup.target()});
    dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human, "42"));
    dispatcher.post("failed/43/b", sample(sdk::NotifyEvent::failed, "43")); // not in the target's events
    dispatcher.post("needs_human/44/c", sample(sdk::NotifyEvent::needs_human, "44"));
    dispatcher.close();
  }
  const auto posts = receiver.posts();
  REQUIRE(posts.size() == 2);
  CHECK(json::parse(posts[0].body)["issue"] == "42");
  CHECK(json::parse(posts[1].body)["issue"] == "44");
  const auto deliveries = notify::DeliveryLog(setup.db()).all();
  REQUIRE(deliveries.size() == 2);
  CHECK(deliveries[0].notifier == "team-hook");
  CHECK(deliveries[0].event == "needs_human");
  CHECK(deliveries[0].status == "sent");
  CHECK(deliveries[0].attempts == 1);
}

TEST_CASE("notify: a delivery answered with HTTP 500 is retried after a delay, then sent once", "[notify]") {
  WebhookReceiver receiver;
  receiver.answer({500, 500});
  Setup setup(receiver);
  const auto start = std::chrono::steady_clock::now();
  {
    notify::Dispatcher dispatcher(setup.db(), {setup.target()});
    dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
    dispatcher.close();
  }
  // Two failures: waits of 20 ms, then 40 ms (doubled) before the third attempt.
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(60));
  CHECK(receiver.posts().size() == 3);
  const auto deliveries = notify::DeliveryLog(setup.db()).all();
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].status == "sent");
  CHECK(deliveries[0].attempts == 3);
  CHECK(deliveries[0].error == "");
}

TEST_CASE("notify: a delivery that keeps failing stops after its retries and is recorded as failed", "[notify]") {
  WebhookReceiver receiver;
  Setup setup(receiver);
  SECTION("HTTP 500 every time: 1 attempt + 2 retries") {
    receiver.answer({500, 500, 500, 500, 500});
    {
      notify::Dispatcher dispatcher(setup.db(), {setup.target({sdk::NotifyEvent::needs_human}, 2)});
      dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
    } // the destructor waits for the delivery
    CHECK(receiver.posts().size() == 3);
    const auto deliveries = notify::DeliveryLog(setup.db()).all();
    REQUIRE(deliveries.size() == 1);
    CHECK(deliveries[0].status == "failed");
    CHECK(deliveries[0].attempts == 3);
    CHECK(deliveries[0].error == "webhook answered HTTP 500: receiver says no");
  }
  SECTION("HTTP 404 is not retried: the URL is wrong") {
    receiver.answer({404});
    {
      notify::Dispatcher dispatcher(setup.db(), {setup.target({sdk::NotifyEvent::needs_human}, 3)});
      dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
    }
    CHECK(receiver.posts().size() == 1);
    CHECK(notify::DeliveryLog(setup.db()).all().at(0).status == "failed");
  }
}

TEST_CASE("notify: an event is never sent twice, across restarts", "[notify]") {
  WebhookReceiver receiver;
  Setup setup(receiver);
  SECTION("after it was sent") {
    for (int restart = 0; restart < 3; ++restart) {
      notify::Dispatcher dispatcher(setup.db(), {setup.target()});
      dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
      dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human)); // twice in one process too
    }
    CHECK(receiver.posts().size() == 1);
  }
  SECTION("after it failed for good") {
    receiver.answer({500, 500});
    for (int restart = 0; restart < 2; ++restart) {
      notify::Dispatcher dispatcher(setup.db(), {setup.target({sdk::NotifyEvent::needs_human}, 1)});
      dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
    }
    CHECK(receiver.posts().size() == 2); // the first process's attempt and its one retry
  }
  SECTION("another occurrence (another id) is sent") {
    for (const char* id : {"needs_human/42/a", "needs_human/42/b"}) {
      notify::Dispatcher dispatcher(setup.db(), {setup.target()});
      dispatcher.post(id, sample(sdk::NotifyEvent::needs_human));
    }
    CHECK(receiver.posts().size() == 2);
  }
}

TEST_CASE("notify: two notifiers each get the event once", "[notify]") {
  WebhookReceiver first, second;
  Setup a(first), b(second);
  {
    notify::Dispatcher dispatcher(a.db(), {a.target(), [&] {
                                            auto t = b.target();
                                            t.name = "second-hook";
                                            return t;
                                          }()});
    dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
  }
  CHECK(first.posts().size() == 1);
  CHECK(second.posts().size() == 1);
  CHECK(notify::DeliveryLog(a.db()).all().size() == 2);
}

TEST_CASE("notify: registered secrets never reach the receiver", "[notify]") {
  WebhookReceiver receiver;
  Setup setup(receiver);
  services::SecretRegistry::global().add("sk-notify-secret-0123456789");
  auto n = sample(sdk::NotifyEvent::needs_human);
  n.reason = "the agent printed sk-notify-secret-0123456789 and postgres://app:hunter2pw@db/app";
  n.text = "see sk-notify-secret-0123456789";
  {
    notify::Dispatcher dispatcher(setup.db(), {setup.target()});
    dispatcher.post("needs_human/42/a", n);
  }
  const auto body = receiver.posts().at(0).body;
  CHECK(body.find("sk-notify-secret") == std::string::npos);
  CHECK(body.find("hunter2pw") == std::string::npos);
  const auto parsed = json::parse(body);
  CHECK(parsed["reason"] == "the agent printed *** and postgres://app:***@db/app");
  CHECK(parsed["text"] == "see ***");
}

TEST_CASE("notify: cancel stops the waits between retries", "[notify]") {
  WebhookReceiver receiver;
  receiver.answer({500, 500, 500, 500});
  Setup setup(receiver);
  const auto start = std::chrono::steady_clock::now();
  {
    auto target = setup.target({sdk::NotifyEvent::needs_human}, 3);
    target.retry_delay = std::chrono::seconds(30);
    notify::Dispatcher dispatcher(setup.db(), {target});
    dispatcher.post("needs_human/42/a", sample(sdk::NotifyEvent::needs_human));
    REQUIRE(receiver.wait_for(1));
    dispatcher.cancel();
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(receiver.posts().size() == 1);
  const auto deliveries = notify::DeliveryLog(setup.db()).all();
  // Failed for good: "cancelled" when the cancel came during the wait, the 500 when it came
  // while that attempt was still being answered.
  CHECK(deliveries.at(0).status == "failed");
  CHECK(deliveries.at(0).attempts == 1);
}
