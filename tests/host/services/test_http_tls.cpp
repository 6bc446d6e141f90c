#include "host/services/http_client.hpp"
#include "tests/host/services/http_client_helpers.hpp"
#include "tests/support/local_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace std::chrono;

namespace {

sdk::Result<sdk::HttpResponse> get(test::RecordingClient& rc, const std::string& url, const sdk::HttpTls& tls) {
  sdk::HttpRequest request;
  request.url = url;
  request.tls = tls;
  request.timeout = seconds(5);
  return rc.client->send(request, sdk::CancelToken{});
}

void serve_hello(test::LocalServer& server) {
  server.server().Get("/hello", [](const httplib::Request&, httplib::Response& res) { res.set_content("hi", "text/plain"); });
  server.start();
}

} // namespace

TEST_CASE("http tls: a server signed by the request's CA is trusted, others are refused without retrying",
          "[http][tls]") {
  test::TempDir dir("tls");
  auto ours = test::make_test_certificates(dir.path(), "ours");
  auto theirs = test::make_test_certificates(dir.path(), "theirs");
  test::LocalServer server(ours.server());
  serve_hello(server);
  test::RecordingClient rc;

  SECTION("the request's CA") {
    auto result = get(rc, server.url() + "/hello", {.ca_pem = test::read_text(ours.ca_cert)});
    REQUIRE(result.ok());
    CHECK(result->status == 200);
    CHECK(result->body == "hi");
  }
  SECTION("another CA") {
    auto result = get(rc, server.url() + "/hello", {.ca_pem = test::read_text(theirs.ca_cert)});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == sdk::FailureKind::error);
    CHECK_THAT(result.failure().message, Catch::StartsWith("GET to 127.0.0.1:" + std::to_string(server.port()) +
                                                           " failed: SSL certificate problem"));
    CHECK(rc.waits.empty());
  }
  SECTION("the system's CAs") {
    auto result = get(rc, server.url() + "/hello", {});
    REQUIRE_FALSE(result.ok());
    CHECK_THAT(result.failure().message, Catch::Contains("SSL certificate problem"));
    CHECK(rc.waits.empty());
  }
}

TEST_CASE("http tls: insecure_skip_verify accepts any certificate and warns once", "[http][tls]") {
  test::TempDir dir("tls");
  auto certs = test::make_test_certificates(dir.path());
  test::LocalServer server(certs.server());
  serve_hello(server);
  test::RecordingClient rc;
  for (int i = 0; i < 2; ++i) {
    auto result = get(rc, server.url() + "/hello", {.insecure_skip_verify = true});
    REQUIRE(result.ok());
    CHECK(result->body == "hi");
  }
  const std::string log = rc.log_text();
  const std::string warning = "not verifying the TLS certificate of 127.0.0.1:" + std::to_string(server.port()) +
                              " (insecure-skip-tls-verify)";
  REQUIRE(log.find(warning) != std::string::npos);
  CHECK(log.find(warning, log.find(warning) + 1) == std::string::npos);
}

TEST_CASE("http tls: a client certificate gets past a server that demands one", "[http][tls]") {
  test::TempDir dir("tls");
  auto certs = test::make_test_certificates(dir.path());
  test::LocalServer server(certs.server(/*require_client_cert=*/true));
  serve_hello(server);
  test::RecordingClient rc;
  sdk::HttpTls tls{.ca_pem = test::read_text(certs.ca_cert)};

  SECTION("with the certificate and its key") {
    tls.client_cert_pem = test::read_text(certs.client_cert);
    tls.client_key_pem = test::read_text(certs.client_key);
    auto result = get(rc, server.url() + "/hello", tls);
    REQUIRE(result.ok());
    CHECK(result->body == "hi");
  }
  SECTION("without one the handshake fails") {
    sdk::HttpRequest request;
    request.url = server.url() + "/hello";
    request.tls = tls;
    request.max_retries = 0;
    auto result = rc.client->send(request, sdk::CancelToken{});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == sdk::FailureKind::error);
  }
  SECTION("a key that is not PEM fails without retrying") {
    tls.client_cert_pem = test::read_text(certs.client_cert);
    tls.client_key_pem = "not a key";
    auto result = get(rc, server.url() + "/hello", tls);
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == sdk::FailureKind::error);
    CHECK(rc.waits.empty());
  }
}
