// Tracker write-back from real runs: the fanout executable with the fake agents and the
// fake GitHub server; labels follow the run's phase and one status comment is edited in
// place, across a restart of fanout.
#include "tests/support/e2e.hpp"

#include <catch2/catch.hpp>

using namespace fanout::test;

TEST_CASE("e2e write-back: labels follow the run and one status comment is edited across a restart",
          "[e2e][write_back]") {
  E2e e2e;
  e2e.append_config("approve_plan = true\n\n[write_back]\n"
                    "labels = { in_progress = \"fanout:working\", in_review = \"fanout:review\", "
                    "needs_human = \"fanout:help\" }\nstatus_comment = true\n");

  // The plan waits for approval: a human acts next.
  auto ran = e2e.fanout({"run", "1"});
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 1);
  auto issue = e2e.server.issue(1);
  REQUIRE(issue);
  CHECK(issue->labels == std::vector<std::string>{"fanout", "fanout:help"});
  REQUIRE(issue->comments.size() == 1);
  CHECK(issue->comments[0].find("**fanout** needs a human for this issue.") != std::string::npos);
  CHECK(issue->comments[0].find("fanout approve 1") != std::string::npos);
  const long long id = e2e.server.comments(1).at(0).id;

  // A new fanout process continues the run: the same comment is edited, never a second one.
  auto approved = e2e.fanout({"approve", "1"});
  INFO(approved.out << approved.err);
  CHECK(approved.exit_code == 0);
  issue = e2e.server.issue(1);
  CHECK(issue->labels == std::vector<std::string>{"fanout", "fanout:review"});
  REQUIRE(issue->comments.size() == 1);
  CHECK(e2e.server.comments(1).at(0).id == id);
  CHECK(issue->comments[0].find("passed fanout's reviewers and waits for a human review") !=
        std::string::npos);
  CHECK(issue->comments[0].find("Pull request: https://github.com/acme/widgets/pull/") != std::string::npos);
  CHECK(e2e.server.requests("POST", "/repos/acme/widgets/issues/1/comments").size() == 1);
  // in_progress (the plan), needs_human, in_progress (the build), in_review.
  const auto edits =
      e2e.server.requests("PATCH", "/repos/acme/widgets/issues/comments/" + std::to_string(id));
  CHECK(edits.size() == 3);

  // The run again: it has nothing left to do, so nothing is written back.
  const auto before = e2e.server.requests().size();
  auto again = e2e.fanout({"run", "1"});
  INFO(again.out << again.err);
  const auto after = e2e.server.requests();
  for (size_t i = before; i < after.size(); ++i) {
    INFO(after[i].method << " " << after[i].path);
    CHECK(after[i].method == "GET");
  }
  CHECK(e2e.server.issue(1)->labels == std::vector<std::string>{"fanout", "fanout:review"});
}
