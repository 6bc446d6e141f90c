#include "host/services/http_client.hpp"
#include "host/services/http_retry.hpp"
#include "tests/host/services/http_client_helpers.hpp"
#include "tests/support/local_server.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <mutex>
#include <sstream>

using namespace fanout;
using namespace std::chrono;

using test::RecordingClient;

TEST_CASE("http client: 429 with Retry-After waits as told then succeeds", "[http]") {
  test::LocalServer server;
  std::atomic<int> calls{0};
  server.server().Get("/limited", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ == 0) {
      res.status = 429;
      res.set_header("Retry-After", "7");
      return;
    }
    res.set_content("ok", "text/plain");
  });
  server.start();
  RecordingClient rc;
  auto result = rc.get(server.url() + "/limited");
  REQUIRE(result.ok());
  CHECK(result->status == 200);
  CHECK(result->body == "ok");
  REQUIRE(rc.waits.size() == 1);
  CHECK(rc.waits[0] == seconds(7));
}

TEST_CASE("http client: 500 then 200 retries with backoff", "[http]") {
  test::LocalServer server;
  std::atomic<int> calls{0};
  server.server().Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ < 2) {
      res.status = 500;
      return;
    }
    res.set_content("fine", "text/plain");
  });
  server.start();
  RecordingClient rc;
  auto result = rc.get(server.url() + "/flaky");
  REQUIRE(result.ok());
  CHECK(result->status == 200);
  CHECK(calls == 3);
  REQUIRE(rc.waits.size() == 2);
  CHECK(rc.waits[0] >= milliseconds(5));
  CHECK(rc.waits[0] <= milliseconds(10));
  CHECK(rc.waits[1] >= milliseconds(10));
  CHECK(rc.waits[1] <= milliseconds(20));
}

TEST_CASE("http client: a 5xx after the last retry is returned as a response", "[http]") {
  test::LocalServer server;
  std::atomic<int> calls{0};
  server.server().Get("/down", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 503;
  });
  server.start();
  RecordingClient rc;
  auto result = rc.get(server.url() + "/down", 2);
  REQUIRE(result.ok());
  CHECK(result->status == 503);
  CHECK(calls == 3);
}

TEST_CASE("http client: rate limits longer than the allowed wait fail with the reset time", "[http]") {
  test::LocalServer server;
  server.server().Get("/exhausted", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_header("x-ratelimit-remaining", "0");
    res.set_header("x-ratelimit-reset", "4102444800"); // 2100-01-01 00:00:00 UTC
    res.set_content(R"({"message":"API rate limit exceeded"})", "application/json");
  });
  server.start();
  RecordingClient rc;
  auto result = rc.get(server.url() + "/exhausted");
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == sdk::FailureKind::rate_limited);
  CHECK_THAT(result.failure().message,
             Catch::StartsWith("rate limited by 127.0.0.1:" + std::to_string(server.port()) + ": asked to wait "));
  CHECK_THAT(result.failure().message,
             Catch::EndsWith(", longer than the 1m fanout waits (the limit resets at 2100-01-01 00:00:00 UTC)"));
  CHECK(rc.waits.empty());
}

TEST_CASE("http client: rate limited on every attempt fails as rate_limited", "[http]") {
  test::LocalServer server;
  server.server().Get("/busy", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "1");
  });
  server.start();
  RecordingClient rc;
  auto result = rc.get(server.url() + "/busy", 2);
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == sdk::FailureKind::rate_limited);
  CHECK_THAT(result.failure().message, Catch::Contains(" after 3 attempts (the limit resets at "));
  CHECK(rc.waits == std::vector<milliseconds>{seconds(1), seconds(1)});
}

TEST_CASE("http client: a server that never answers times out", "[http]") {
  test::LocalServer server;
  std::promise<void> release;
  auto released = release.get_future().share();
  server.server().Get("/silent", [&](const httplib::Request&, httplib::Response& res) {
    released.wait_for(seconds(10));
    res.set_content("late", "text/plain");
  });
  server.start();
  RecordingClient rc;
  sdk::HttpRequest request;
  request.url = server.url() + "/silent";
  request.timeout = milliseconds(200);
  request.max_retries = 1;
  auto result = rc.client->send(request, sdk::CancelToken{});
  release.set_value();
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == sdk::FailureKind::timeout);
  CHECK(result.failure().message == "GET to 127.0.0.1:" + std::to_string(server.port()) +
                                        " timed out after 0.2s after 2 attempts");
}

TEST_CASE("http client: the cancel token aborts a transfer in flight", "[http]") {
  test::LocalServer server;
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  server.server().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    entered.set_value();
    released.wait_for(seconds(10));
    res.set_content("late", "text/plain");
  });
  server.start();
  RecordingClient rc;
  sdk::CancelToken cancel;
  sdk::HttpRequest request;
  request.url = server.url() + "/slow";
  request.timeout = seconds(20);
  auto pending = std::async(std::launch::async, [&] { return rc.client->send(request, cancel); });
  entered.get_future().wait();
  cancel.cancel();
  auto result = pending.get();
  release.set_value();
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == sdk::FailureKind::cancelled);
  CHECK(result.failure().message == "GET to 127.0.0.1:" + std::to_string(server.port()) + " was cancelled");
}

TEST_CASE("http client: connection refused retries then fails", "[http]") {
  int port = 0;
  {
    test::LocalServer closed; // bind then release a port nobody listens on
    port = closed.port();
  }
  RecordingClient rc;
  auto result = rc.get("http://127.0.0.1:" + std::to_string(port) + "/", 2);
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == sdk::FailureKind::error);
  CHECK_THAT(result.failure().message,
             Catch::StartsWith("GET to 127.0.0.1:" + std::to_string(port) + " failed after 3 attempts: "));
  CHECK(rc.waits.size() == 2);
}

TEST_CASE("http client: the debug log redacts registered secrets and omits headers", "[http]") {
  test::LocalServer server;
  std::string seen_auth;
  server.server().Post("/echo", [&](const httplib::Request& req, httplib::Response& res) {
    seen_auth = req.get_header_value("Authorization");
    res.set_content(req.body, "text/plain");
  });
  server.start();
  RecordingClient rc;
  const std::string token = "ghp_supersecret123456";
  rc.secrets.add(token);
  sdk::HttpRequest request;
  request.method = "POST";
  request.url = server.url() + "/echo?access_token=" + token;
  request.headers = {{"Authorization", "Bearer " + token}};
  request.body = "hello";
  auto result = rc.get(server.url() + "/echo"); // a GET: 404, still logged
  result = rc.client->send(request, sdk::CancelToken{});
  REQUIRE(result.ok());
  CHECK(result->body == "hello");
  CHECK(seen_auth == "Bearer " + token);
  const std::string log = rc.log.str();
  CHECK_THAT(log, Catch::Contains("POST " + server.url() + "/echo?access_token=*** -> 200 in "));
  CHECK_THAT(log, !Catch::Contains(token));
  CHECK_THAT(log, !Catch::Contains("Authorization"));
}

TEST_CASE("http retry: Retry-After and reset headers parse in every documented shape", "[http]") {
  const auto now = system_clock::from_time_t(1'700'000'000);
  SECTION("delay seconds") { CHECK(services::parse_retry_after("120", now) == seconds(120)); }
  SECTION("http date") {
    CHECK(services::parse_retry_after("Tue, 14 Nov 2023 22:14:20 GMT", now) == seconds(60));
  }
  SECTION("epoch seconds") { CHECK(services::parse_reset("1700000060") == now + seconds(60)); }
  SECTION("epoch milliseconds") { CHECK(services::parse_reset("1700000060000") == now + seconds(60)); }
  SECTION("iso-8601 with offset") {
    CHECK(services::parse_reset("2023-11-14T23:14:20.000+0100") == now + seconds(60));
    CHECK(services::parse_reset("2023-11-14T22:14:20Z") == now + seconds(60));
  }
  SECTION("garbage") {
    CHECK_FALSE(services::parse_retry_after("soon", now));
    CHECK_FALSE(services::parse_reset("later"));
  }
  SECTION("linear's RATELIMITED arrives as a 400") {
    sdk::HttpResponse r;
    r.status = 400;
    r.body = R"({"errors":[{"message":"Rate limit exceeded","extensions":{"code":"RATELIMITED"}}]})";
    CHECK(services::classify(r, now).reason == services::RetryReason::rate_limited);
    r.body = R"({"errors":[{"message":"bad filter","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]})";
    CHECK(services::classify(r, now).reason == services::RetryReason::none);
  }
  SECTION("a plain 403 is final") {
    sdk::HttpResponse r;
    r.status = 403;
    r.body = R"({"message":"Resource not accessible by integration"})";
    CHECK(services::classify(r, now).reason == services::RetryReason::none);
  }
}
