// [write_back]: run phases mapped to tracker states and labels, the status comment, errors.
#include "tests/host/config/config_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using Errors = std::vector<std::string>;

TEST_CASE("write-back config: states, labels and the status comment", "[config][write_back]") {
  test::ConfigRepo repo;
  repo.repo_toml(
      "[write_back]\nstates = { in_progress = \"In Progress\", done = \"Done\" }\n"
      "labels = { in_review = \"fanout:review\", needs_human = \"fanout:help\" }\nstatus_comment = true\n");
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  const auto& write_back = result.config.write_back;
  CHECK(write_back.states ==
        std::map<std::string, std::string>{{"in_progress", "In Progress"}, {"done", "Done"}});
  CHECK(write_back.labels ==
        std::map<std::string, std::string>{{"in_review", "fanout:review"}, {"needs_human", "fanout:help"}});
  CHECK(write_back.status_comment);
}

TEST_CASE("write-back config: nothing is written back by default", "[config][write_back]") {
  test::ConfigRepo repo;
  const auto result = repo.load();
  REQUIRE(result.errors.empty());
  CHECK(result.config.write_back.states.empty());
  CHECK(result.config.write_back.labels.empty());
  CHECK_FALSE(result.config.write_back.status_comment);
}

TEST_CASE("write-back config: errors", "[config][write_back]") {
  test::ConfigRepo repo;
  SECTION("an unknown phase suggests the closest") {
    repo.repo_toml("[write_back]\nstates = { in_reveiw = \"In Review\" }\n");
    CHECK(repo.errors() ==
          Errors{"fanout.toml:2:10: [write_back] states: unknown run phase \"in_reveiw\" (did you "
                 "mean \"in_review\"?); phases are in_progress, in_review, needs_human, failed, done"});
  }
  SECTION("an unknown phase among labels") {
    repo.repo_toml("[write_back]\nlabels = { merged = \"shipped\" }\n");
    CHECK(repo.errors() ==
          Errors{"fanout.toml:2:10: [write_back] labels: unknown run phase \"merged\"; phases are "
                 "in_progress, in_review, needs_human, failed, done"});
  }
  SECTION("an empty label") {
    repo.repo_toml("[write_back]\nlabels = { done = \"\" }\n");
    CHECK(repo.errors() ==
          Errors{"fanout.toml:2:10: [write_back] labels: the label of \"done\" is empty (leave the "
                 "phase out to write nothing for it)"});
  }
  SECTION("a value that is not a string") {
    repo.repo_toml("[write_back]\nstates = { done = 3 }\n");
    const auto errors = repo.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind("fanout.toml:2:10: [write_back] states: expected a table of strings", 0) == 0);
  }
  SECTION("status_comment must be a boolean") {
    repo.repo_toml("[write_back]\nstatus_comment = \"yes\"\n");
    const auto errors = repo.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].rfind("fanout.toml:2:18: [write_back] status_comment: expected", 0) == 0);
  }
  SECTION("an unknown key suggests the closest") {
    repo.repo_toml("[write_back]\nstatus_comments = true\n");
    const auto errors = repo.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("did you mean \"status_comment\"?") != std::string::npos);
  }
}
