// The registry: discovery order and shadowing, creating instances, and lifetimes (the
// library outlives what it made; teardown in reverse load order).
#include "host/plugins/registry.hpp"
#include "tests/host/plugins/fixtures_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using fanout::plugins::PluginStatus;
using fanout::plugins::Registry;
using namespace fanout::test;

namespace fs = std::filesystem;

TEST_CASE("plugin registry: a name found twice keeps the first, the later one is shadowed", "[plugins]") {
  TempDir first, second;
  fs::copy_file(fixture_library("good"), first.path() / "fanout-fixture-good.so");
  fs::copy_file(fixture_library("good"), second.path() / "fanout-other-file-name.so");
  Registry registry;
  registry.discover(dirs_of({first.path(), second.path()}));
  REQUIRE(registry.records().size() == 2);
  const auto& winner = registry.records()[0];
  const auto& loser = registry.records()[1];
  CHECK(winner.status == PluginStatus::loaded);
  CHECK(winner.path == first.path() / "fanout-fixture-good.so");
  CHECK(loser.name == "fixture-good");
  CHECK(loser.status == PluginStatus::shadowed);
  CHECK(loser.reason == "shadowed by " + (first.path() / "fanout-fixture-good.so").string());
  CHECK(loser.library == nullptr);
  CHECK(registry.find("fixture-good")->path == winner.path);
}

TEST_CASE("plugin registry: a refused library still claims its name", "[plugins]") {
  // An override that cannot load must be reported, not silently replaced by another build.
  TempDir first;
  fs::copy_file(fixture_library("no-kinds"), first.path() / "fanout-fixture-no-kinds.so");
  TempDir second;
  fs::copy_file(fixture_library("no-kinds"), second.path() / "fanout-fixture-no-kinds.so");
  Registry registry;
  registry.discover(dirs_of({first.path(), second.path()}));
  REQUIRE(registry.records().size() == 2);
  CHECK(registry.records()[0].status == PluginStatus::rejected);
  CHECK(registry.records()[1].status == PluginStatus::shadowed);
}

TEST_CASE("plugin registry: only fanout-*.so files are considered, in name order", "[plugins]") {
  TempDir dir;
  fs::copy_file(fixture_library("good-two"), dir.path() / "fanout-b.so");
  fs::copy_file(fixture_library("good"), dir.path() / "fanout-a.so");
  fs::copy_file(fixture_library("good"), dir.path() / "libsomething.so");
  fs::create_directory(dir.path() / "fanout-dir.so");
  Registry registry;
  registry.discover(dirs_of({dir.path(), dir.path() / "missing"}));
  REQUIRE(registry.records().size() == 2);
  CHECK(registry.records()[0].name == "fixture-good");
  CHECK(registry.records()[1].name == "fixture-good-two");
  CHECK(registry.loaded_names() == std::vector<std::string>{"fixture-good", "fixture-good-two"});
}

TEST_CASE("plugin registry: create explains every failure", "[plugins]") {
  Registry registry;
  registry.discover(dirs_of({fixture_folder("good"), fixture_folder("create-throws"), fixture_folder("abi-major")}));
  auto host = test::make_host("fixture-good");
  SECTION("a working plugin makes a working instance") {
    auto reviewer = registry.create<sdk::Reviewer>("fixture-good", *host);
    REQUIRE(reviewer.ok());
    sdk::ReviewRequest request;
    request.issue.key = "ENG-1";
    auto review = (*reviewer)->review(request, sdk::CancelToken());
    REQUIRE(review.ok());
    CHECK(review->summary == "fixture-good looked at ENG-1");
  }
  SECTION("a typo gets a suggestion") {
    auto made = registry.create<sdk::Reviewer>("fixture-goo", *host);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::not_found);
    CHECK(made.failure().message == "unknown plugin \"fixture-goo\" (did you mean \"fixture-good\"?)");
  }
  SECTION("an unknown name with nothing close") {
    auto made = registry.create<sdk::Reviewer>("zzzzzzzz", *host);
    CHECK(made.failure().message == "unknown plugin \"zzzzzzzz\"");
  }
  SECTION("a plugin without that kind") {
    auto made = registry.create<sdk::IssueTracker>("fixture-good", *host);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::unsupported);
    CHECK(made.failure().message == "plugin \"fixture-good\" is not an issue_tracker (it provides: reviewer)");
    auto brancher = registry.create<sdk::DatabaseBrancher>("fixture-good", *host);
    CHECK(brancher.failure().message == "plugin \"fixture-good\" is not a database_brancher (it provides: reviewer)");
  }
  SECTION("a create that throws") {
    auto made = registry.create<sdk::Reviewer>("fixture-create-throws", *host);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::error);
    CHECK(made.failure().message == "plugin \"fixture-create-throws\" failed to create its reviewer: fixture refuses to start");
  }
  SECTION("a refused plugin says why") {
    auto made = registry.create<sdk::Reviewer>("fixture-abi-major", *host);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().message.rfind("plugin \"fixture-abi-major\" was not loaded: plugin abi " +
                                           std::to_string(sdk::k_abi_major + 1) + ".",
                                       0) == 0);
  }
  SECTION("the untyped create picks the kind at run time") {
    auto made = registry.create("fixture-good", sdk::Kind::reviewer, *host);
    REQUIRE(made.ok());
    CHECK(made->get() != nullptr);
  }
}

TEST_CASE("plugin registry: an instance keeps its library loaded after the registry is gone", "[plugins]") {
  TempDir scratch;
  const auto log = scratch.path() / "events.log";
  auto host = test::make_host("fixture-good", {{"event_log", log.string()}});
  plugins::Instance<sdk::Reviewer> reviewer;
  {
    Registry registry;
    registry.discover(dirs_of({fixture_folder("good")}));
    auto made = registry.create<sdk::Reviewer>("fixture-good", *host);
    REQUIRE(made.ok());
    reviewer = std::move(*made);
  }
  CHECK(test::read_lines(log).empty()); // neither destroyed nor unloaded
  sdk::ReviewRequest request;
  request.issue.key = "7";
  auto review = reviewer->review(request, sdk::CancelToken()); // the code is still mapped
  REQUIRE(review.ok());
  CHECK(review->summary == "fixture-good looked at 7");
  { auto last_owner = std::move(reviewer); } // the deleter (and its library handle) go with it
  CHECK(test::read_lines(log) == std::vector<std::string>{"destroy fixture-good", "unload fixture-good"});
}

TEST_CASE("plugin registry: teardown unloads libraries in reverse load order", "[plugins]") {
  TempDir scratch;
  const auto log = scratch.path() / "events.log";
  auto host = test::make_host("fixtures", {{"event_log", log.string()}});
  {
    Registry registry;
    registry.discover(dirs_of({fixture_folder("good"), fixture_folder("good-two")}));
    REQUIRE(registry.loaded_names().size() == 2);
    // One instance each, so each library knows where to record its unload; then let them go.
    REQUIRE(registry.create<sdk::Reviewer>("fixture-good", *host).ok());
    REQUIRE(registry.create<sdk::Reviewer>("fixture-good-two", *host).ok());
  }
  CHECK(test::read_lines(log) == std::vector<std::string>{"destroy fixture-good", "destroy fixture-good-two",
                                                          "unload fixture-good-two", "unload fixture-good"});
}
