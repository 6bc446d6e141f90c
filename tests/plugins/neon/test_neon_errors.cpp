#include "tests/plugins/neon/neon_test_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::branchers;
using json = nlohmann::json;

namespace {
const std::string k_branches = "/projects/young-sun-123456/branches";
} // namespace

TEST_CASE("neon brancher: HTTP 423 is retried with backoff until the project unlocks", "[neon]") {
  NeonFixture f;
  FakeNeonServer::Options options;
  options.locked_calls = 3;
  f.neon.configure(options);
  auto made = f.load()->create("locked", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(f.calls("POST", "/branches").size() == 4);
  CHECK(f.neon.branch_names() == std::vector<std::string>{"main", "fanout-locked"});
}

TEST_CASE("neon brancher: a project that stays locked fails after wait_timeout", "[neon]") {
  NeonFixture f;
  FakeNeonServer::Options options;
  options.locked_calls = 1000000;
  f.neon.configure(options);
  auto made = f.load({{"wait_timeout", 50}})->create("locked", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().kind == sdk::FailureKind::timeout);
  CHECK(made.failure().message == "neon project \"young-sun-123456\" stayed locked by other operations (HTTP 423 on "
                                  "POST " + k_branches + ") for longer than 50 ms; try again later or raise "
                                  "[database] wait_timeout");
}

TEST_CASE("neon brancher: a failed operation is an error naming it", "[neon]") {
  NeonFixture f;
  FakeNeonServer::Options options;
  options.fail_operations = true;
  f.neon.configure(options);
  auto made = f.load()->create("broken", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().message ==
        "neon operation \"" + f.neon.operation_ids().at(0) + "\" (create_branch) failed for branch \"fanout-broken\"");
}

TEST_CASE("neon brancher: operations that never finish time out naming the operation", "[neon]") {
  NeonFixture f;
  FakeNeonServer::Options options;
  options.polls_until_done = 1000000;
  f.neon.configure(options);
  auto made = f.load({{"wait_timeout", 30}})->create("slow", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().kind == sdk::FailureKind::timeout);
  CHECK(made.failure().message == "neon branch \"fanout-slow\" was not ready after 30 ms: operation \"" +
                                      f.neon.operation_ids().at(0) + "\" (create_branch) is still \"running\"");
}

TEST_CASE("neon brancher: HTTP 429 is waited out", "[neon]") {
  NeonFixture f;
  SECTION("on a GET, by the host's client") {
    f.neon.set_retry_after(7);
    f.neon.fail_next(FakeFailure::rate_limited, 2);
    REQUIRE(f.load()->create("limited", k_no_cancel).ok());
    CHECK(f.services->recorded_waits() ==
          std::vector<std::chrono::milliseconds>{std::chrono::seconds(7), std::chrono::seconds(7)});
  }
  SECTION("on the POST, by the brancher, without a second branch") {
    f.neon.fail_next(FakeFailure::none, 1); // the lookup by name
    f.neon.fail_next(FakeFailure::rate_limited, 2);
    REQUIRE(f.load()->create("limited", k_no_cancel).ok());
    CHECK(f.calls("POST", "/branches").size() == 3);
    CHECK(f.neon.branch_names() == std::vector<std::string>{"main", "fanout-limited"});
  }
}

TEST_CASE("neon brancher: a 500 on the create is retried after checking the branch was not made", "[neon]") {
  NeonFixture f;
  f.neon.fail_next(FakeFailure::none, 1);
  f.neon.fail_next(FakeFailure::server_error, 1);
  REQUIRE(f.load()->create("flaky", k_no_cancel).ok());
  CHECK(f.calls("POST", "/branches").size() == 2);
  CHECK(f.neon.branch_names() == std::vector<std::string>{"main", "fanout-flaky"});
}

TEST_CASE("neon brancher: API failures say which call failed and what neon said", "[neon]") {
  SECTION("401 names the variable holding the key") {
    NeonFixture f(std::map<std::string, std::string>{{"NEON_API_KEY", "wrong-key"}});
    auto made = f.load()->create("x", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::auth);
    CHECK(made.failure().message == "neon rejected the API key in \"NEON_API_KEY\" (HTTP 401 on GET " + k_branches +
                                        "): authentication required");
    CHECK(made.failure().message.find("wrong-key") == std::string::npos);
  }
  SECTION("a missing key names the variable") {
    NeonFixture f(std::map<std::string, std::string>{{"OTHER", "x"}});
    auto made = f.load({{"token_env", "MY_NEON_KEY"}})->create("x", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::auth);
    CHECK(made.failure().message ==
          "the neon brancher needs an API key: environment variable \"MY_NEON_KEY\" is not set");
    CHECK(f.neon.requests().empty());
  }
  SECTION("a persistent 500") {
    NeonFixture f;
    f.neon.fail_always(FakeFailure::server_error);
    auto made = f.load()->create("x", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().message == "neon API error (HTTP 500 on GET " + k_branches + "): internal error");
  }
  SECTION("a body that is not JSON") {
    NeonFixture f;
    f.neon.fail_always(FakeFailure::garbage);
    auto listed = f.load()->list(k_no_cancel);
    REQUIRE_FALSE(listed.ok());
    CHECK(listed.failure().message ==
          "neon API returned invalid JSON (HTTP 200 on GET " + k_branches + "): <html>upstream hiccup</html>");
  }
  SECTION("an unknown project") {
    NeonFixture f;
    auto made = f.load({{"project_id", "nope"}})->create("x", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::not_found);
    CHECK(made.failure().message == "neon API: not found (HTTP 404 on GET /projects/nope/branches): project not found "
                                    "(check [database] project_id \"nope\")");
  }
  SECTION("an API that cannot be reached") {
    NeonFixture f;
    auto made = f.load({{"api_url", "http://127.0.0.1:1/api/v2"}})->create("x", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().message.rfind("neon API call GET " + k_branches + " failed: ", 0) == 0);
  }
}

TEST_CASE("neon brancher: configuration errors", "[neon]") {
  NeonFixture f;
  SECTION("no project id") {
    auto loaded = f.try_load({{"project_id", nullptr}});
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.failure().message == "plugin \"neon\" failed to create its database_brancher: [database] project_id "
                                      "is required for the neon brancher (the Neon project to branch)");
  }
  SECTION("an invalid branch name") {
    auto made = f.load()->create("No/Good", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().message ==
          "invalid branch name \"No/Good\": expected 1-48 characters of a-z, 0-9, '_' and '-'");
  }
  SECTION("a trailing slash on api_url is fine") {
    CHECK(f.load({{"api_url", f.neon.api_url() + "/"}})->create("slash", k_no_cancel).ok());
  }
}
