#include "tests/plugins/neon/neon_test_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::branchers;
using json = nlohmann::json;


TEST_CASE("neon brancher: create makes a branch with a read_write endpoint and returns its connection uri", "[neon]") {
  NeonFixture f;
  FakeNeonServer::Options options;
  options.polls_until_done = 3;
  f.neon.configure(options);
  auto brancher = f.load();

  auto made = brancher->create("issue-1", k_no_cancel);
  REQUIRE(made.ok());
  const json branch = f.neon.branch("fanout-issue-1");
  REQUIRE(branch.is_object());
  CHECK(made->name == "issue-1");
  CHECK(made->url == FakeNeonServer::uri_for("ep-" + branch["id"].get<std::string>().substr(3) + ".us-east-2.aws.neon.tech", false));

  auto posts = f.calls("POST", "/branches");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].header("authorization") == "Bearer neon-test-key");
  REQUIRE(f.neon.posted_branches().size() == 1);
  CHECK(f.neon.posted_branches()[0] == json{{"branch", {{"name", "fanout-issue-1"}}}, {"endpoints", {{{"type", "read_write"}}}}});
  // Both operations (create_branch, start_compute) polled until finished.
  for (const auto& id : f.neon.operation_ids()) CHECK(f.calls("GET", "/operations/" + id).size() == 3);
  auto uri_calls = f.calls("GET", "/connection_uri");
  REQUIRE(uri_calls.size() == 1);
  CHECK(uri_calls[0].params == std::map<std::string, std::string>{{"branch_id", branch["id"]}, {"database_name", "neondb"},
                                                                  {"role_name", "neondb_owner"}, {"pooled", "false"}});
  // The uri is only asked for once the branch is ready.
  CHECK(f.neon.branch("fanout-issue-1")["current_state"] == "ready");
}

TEST_CASE("neon brancher: both shapes of the create response are understood", "[neon]") {
  const int status = GENERATE(200, 201);
  const bool with_uris = GENERATE(true, false);
  INFO("status " << status << ", connection_uris " << with_uris);
  NeonFixture f;
  FakeNeonServer::Options options;
  options.create_status = status;
  options.connection_uris_in_create = with_uris;
  f.neon.configure(options);
  auto made = f.load()->create("shape", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(made->url.rfind("postgresql://neondb_owner:npg_fakepassword@ep-", 0) == 0);
}

TEST_CASE("neon brancher: create of an existing branch returns it without a new one", "[neon]") {
  NeonFixture f;
  const std::string id = f.neon.add_branch("fanout-again");
  auto made = f.load()->create("again", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(made->url == FakeNeonServer::uri_for("ep-" + id.substr(3) + ".us-east-2.aws.neon.tech", false));
  CHECK(f.calls("POST", "/branches").empty());
}

TEST_CASE("neon brancher: parent, pooled, database and role come from config", "[neon]") {
  NeonFixture f;
  const std::string staging = f.neon.add_branch("staging");

  SECTION("parent by name resolves to its id") {
    REQUIRE(f.load({{"parent", "staging"}})->create("p1", k_no_cancel).ok());
    CHECK(f.neon.posted_branches().at(0)["branch"]["parent_id"] == staging);
  }
  SECTION("parent by id is used as is") {
    REQUIRE(f.load({{"parent", staging}})->create("p2", k_no_cancel).ok());
    CHECK(f.neon.posted_branches().at(0)["branch"]["parent_id"] == staging);
  }
  SECTION("an unknown parent is named") {
    auto made = f.load({{"parent", "nope"}})->create("p3", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::not_found);
    CHECK(made.failure().message ==
          "neon parent branch \"nope\" not found in project \"young-sun-123456\" (check [database] parent)");
    CHECK(f.calls("POST", "/branches").empty());
  }
  SECTION("pooled uses the pooler host") {
    auto made = f.load({{"pooled", true}})->create("p4", k_no_cancel);
    REQUIRE(made.ok());
    CHECK(made->url.find("-pooler.us-east-2.aws.neon.tech/neondb") != std::string::npos);
    CHECK(f.calls("GET", "/connection_uri").at(0).params.at("pooled") == "true");
  }
  SECTION("a database the branch does not have is named") {
    auto made = f.load({{"database", "shop"}})->create("p5", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    const std::string id = f.neon.branch("fanout-p5")["id"];
    CHECK(made.failure().message == "neon has no connection URI for database \"shop\" and role \"neondb_owner\" on "
                                    "branch \"" + id + "\" (database not found); set [database] database and role "
                                    "to ones of the project");
  }
}

TEST_CASE("neon brancher: remove deletes the branch by name and waits for its operations", "[neon]") {
  NeonFixture f;
  const std::string id = f.neon.add_branch("fanout-old");
  auto brancher = f.load();

  SECTION("an existing branch") {
    REQUIRE(brancher->remove("old", k_no_cancel).ok());
    CHECK(f.neon.branch("fanout-old").is_null());
    REQUIRE(f.calls("DELETE", "/branches/" + id).size() == 1);
    for (const auto& op : f.neon.operation_ids()) CHECK_FALSE(f.calls("GET", "/operations/" + op).empty());
  }
  SECTION("a branch that does not exist succeeds") {
    REQUIRE(brancher->remove("never", k_no_cancel).ok());
    CHECK(f.calls("DELETE", "/branches/" + id).empty());
  }
  SECTION("423 while another operation runs is retried") {
    FakeNeonServer::Options options;
    options.locked_calls = 2;
    f.neon.configure(options);
    REQUIRE(brancher->remove("old", k_no_cancel).ok());
    CHECK(f.calls("DELETE", "/branches/" + id).size() == 3);
  }
}

TEST_CASE("neon brancher: list returns branches with the prefix, across pages", "[neon]") {
  NeonFixture f;
  FakeNeonServer::Options options;
  options.page_size = 2;
  f.neon.configure(options);
  for (const char* name : {"fanout-b-two", "preview/pr-1", "fanout-a_one", "fanout-", "fanout-Upper", "dev"})
    f.neon.add_branch(name);
  auto listed = f.load()->list(k_no_cancel);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].name == "a_one");
  CHECK((*listed)[1].name == "b-two");
  CHECK((*listed)[0].url.empty());
  CHECK(f.calls("GET", "/branches").size() == 4);
}

TEST_CASE("neon brancher: concurrent creates get through the project lock", "[neon]") {
  NeonFixture f;
  auto brancher = f.load();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (const char* name : {"c1", "c2", "c3"})
    threads.emplace_back([&, name] {
      if (brancher->create(name, k_no_cancel).ok()) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 3);
  auto listed = brancher->list(k_no_cancel);
  REQUIRE(listed.ok());
  CHECK(listed->size() == 3);
}
