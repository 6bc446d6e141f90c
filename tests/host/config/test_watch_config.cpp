#include "tests/host/config/config_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace std::chrono_literals;
using Errors = std::vector<std::string>;

TEST_CASE("watch config: defaults, and every key read into the typed config", "[config]") {
  ConfigRepo repo;
  {
    const auto result = repo.load();
    REQUIRE(result.errors.empty());
    const auto& w = result.config.watch;
    CHECK(w.interval == 60s);
    CHECK(w.ci_rounds == 2);
    CHECK(w.comment_rounds == 3);
    CHECK(w.update_rounds == 2);
    CHECK(w.update == "rebase");
    CHECK_FALSE(w.bots);
    CHECK(w.label.empty());
    CHECK_FALSE(w.clean);
    CHECK(w.log_bytes == 16000);
  }
  repo.repo_toml("[watch]\ninterval = \"5m\"\nci_rounds = 0\ncomment_rounds = 1\nupdate_rounds = 4\n"
                 "update = \"merge\"\nbots = true\nlabel = \"fanout\"\nclean = true\nlog_bytes = 100\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  const auto& w = result.config.watch;
  CHECK(w.interval == 5min);
  CHECK(w.ci_rounds == 0);
  CHECK(w.comment_rounds == 1);
  CHECK(w.update_rounds == 4);
  CHECK(w.update == "merge");
  CHECK(w.bots);
  CHECK(w.label == "fanout");
  CHECK(w.clean);
  CHECK(w.log_bytes == 100);
}

TEST_CASE("watch config: values out of range", "[config]") {
  ConfigRepo repo;
  SECTION("an update strategy git does not have") {
    repo.repo_toml("[watch]\nupdate = \"rebsae\"\n");
    CHECK(repo.errors() ==
          Errors{"fanout.toml:2:10: [watch] update: expected \"rebase\" or \"merge\", got \"rebsae\" (did you mean \"rebase\"?)"});
  }
  SECTION("negative rounds") {
    repo.repo_toml("[watch]\nci_rounds = -1\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:13: [watch] ci_rounds: expected a non-negative integer, got -1"});
  }
  SECTION("an interval of zero") {
    repo.repo_toml("[watch]\ninterval = \"0s\"\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:12: [watch] interval: expected a duration above 0, got \"0s\""});
  }
  SECTION("an unknown key") {
    repo.repo_toml("[watch]\nci_round = 3\n");
    CHECK(repo.errors() == Errors{"fanout.toml:2:1: [watch] ci_round: unknown key (did you mean \"ci_rounds\"?)"});
  }
}
