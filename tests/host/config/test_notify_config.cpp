// [[notify]] tables: host keys, events, retries, their errors.
#include "tests/host/config/config_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using Errors = std::vector<std::string>;

TEST_CASE("notify config: [[notify]] tables with their events and retries", "[config][notify]") {
  test::ConfigRepo repo;
  repo.repo_toml("[[notify]]\nplugin = \"webhook\"\nformat = \"slack\"\nevents = [\"failed\", \"fleet_done\"]\n"
                 "retries = 5\nretry_delay = \"250ms\"\n\n"
                 "[[notify]]\nplugin = \"desktop\"\n\n"
                 "[[notify]]\nplugin = \"webhook\"\nname = \"team\"\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  const auto& notifiers = result.config.notifiers;
  REQUIRE(notifiers.size() == 3);
  CHECK(notifiers[0].name == "webhook");
  CHECK(notifiers[0].table.plugin == "webhook");
  CHECK(notifiers[0].table.section == "[[notify]]");
  REQUIRE(notifiers[0].table.entries.size() == 1); // the plugin's own key; host keys removed
  CHECK(notifiers[0].table.entries[0].key == "format");
  CHECK(notifiers[0].events == std::vector<std::string>{"failed", "fleet_done"});
  CHECK(notifiers[0].retries == 5);
  CHECK(notifiers[0].retry_delay == std::chrono::milliseconds(250));
  // Defaults: every event, 3 retries from 2 s.
  CHECK(notifiers[1].name == "desktop");
  CHECK(notifiers[1].events == std::vector<std::string>{"plan_approval", "needs_human", "over_budget", "failed",
                                                         "pr_ready", "fleet_done"});
  CHECK(notifiers[1].retries == 3);
  CHECK(notifiers[1].retry_delay == std::chrono::seconds(2));
  CHECK(notifiers[2].name == "team");
}

TEST_CASE("notify config: the user config's [[notify]] applies to every repo", "[config][notify]") {
  test::ConfigRepo repo;
  repo.user_toml("[[notify]]\nplugin = \"desktop\"\nevents = [\"plan_approval\"]\n");
  repo.repo_toml("[run]\nparallel = 2\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  REQUIRE(result.config.notifiers.size() == 1);
  CHECK(result.config.notifiers[0].events == std::vector<std::string>{"plan_approval"});
}

TEST_CASE("notify config: errors", "[config][notify]") {
  test::ConfigRepo repo;
  SECTION("an unknown event suggests the closest") {
    repo.repo_toml("[[notify]]\nplugin = \"webhook\"\nevents = [\"faild\"]\n");
    CHECK(repo.errors() == Errors{"fanout.toml:3:10: [[notify]] events: unknown event \"faild\" (did you mean "
                                  "\"failed\"?); events are plan_approval, needs_human, over_budget, failed, "
                                  "pr_ready, fleet_done"});
  }
  SECTION("no plugin") {
    repo.repo_toml("[[notify]]\nevents = [\"failed\"]\n");
    CHECK(repo.errors() == Errors{"fanout.toml:1:1: [[notify]]: missing key \"plugin\" (the notifier plugin to use)"});
  }
  SECTION("negative retries") {
    repo.repo_toml("[[notify]]\nplugin = \"webhook\"\nretries = -1\n");
    CHECK(repo.errors() == Errors{"fanout.toml:3:11: [[notify]] retries: expected a non-negative integer, got -1"});
  }
  SECTION("[notify] written as a single table") {
    repo.repo_toml("[notify]\nplugin = \"webhook\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:1:2: [[notify]]: expected [[notify]] tables, one per notifier"});
  }
}
