#include "host/pipeline/live_view.hpp"
#include "host/pipeline/report.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace fanout;
using namespace fanout::pipeline;

TEST_CASE("live view: one line per issue, cut to the terminal width, readable with 20 issues", "[pipeline]") {
  std::ostringstream out;
  LiveView view(out, true, 60);
  std::vector<std::string> keys;
  for (int i = 1; i <= 20; ++i) keys.push_back("ENG-" + std::to_string(i));
  view.expect(keys);
  view.update({"ENG-3", "build", RunState::running, 12345, 0.41,
               "tool: Edit src/a/very/long/path/that/does/not/fit/in/sixty/columns.py", true});
  view.update({"ENG-4", "report", RunState::done, 999, 0.1, "done", true});
  const auto lines = view.lines(LiveView::Clock::now(), 60);
  REQUIRE(lines.size() == 20);
  for (const auto& line : lines) CHECK(line.size() <= 60);
  CHECK(lines[0].rfind("ENG-1  queued", 0) == 0);
  CHECK(lines[2].rfind("ENG-3  build", 0) == 0);
  CHECK(lines[2].find("12.3k") != std::string::npos);
  CHECK(lines[2].find("$0.41") != std::string::npos);
  CHECK(lines[3].find("done") != std::string::npos);
  CHECK(out.str().empty()); // a terminal view draws only from start()/stop()
}

TEST_CASE("live view: not a terminal prints one plain line per stage change and per finished run", "[pipeline]") {
  std::ostringstream out;
  LiveView view(out, false, 80);
  view.update({"7", "plan", RunState::running, 0, 0, "", true});
  view.update({"7", "plan", RunState::running, 10, 0, "text: thinking", false});
  view.update({"7", "", RunState::failed, 10, 0, "build: the agent made no commit on \"fanout/7\"", true});
  CHECK(out.str() == "7: plan (0s)\n7: failed after 0s (10 tokens, $0.00): build: the agent made no commit on "
                     "\"fanout/7\"\n");
}

TEST_CASE("report: the PR body closes GitHub issues by number and links others", "[pipeline]") {
  sdk::Issue github{"42", "t", "b", "open", {}, "https://github.com/a/b/issues/42"};
  sdk::Issue linear{"ENG-7", "t", "b", "open", {}, "https://linear.app/x/issue/ENG-7"};
  CHECK(pr_body(github, "", true).rfind("Closes #42\n", 0) == 0);
  CHECK(pr_body(github, "", false).rfind("Issue: [42](https://github.com/a/b/issues/42)\n", 0) == 0);
  CHECK(pr_body(linear, "the plan", true).rfind("Issue: [ENG-7](https://linear.app/x/issue/ENG-7)\n", 0) == 0);
  CHECK(pr_body(linear, "the plan", true).find("the plan") != std::string::npos);
}

TEST_CASE("report: findings for the builder are Markdown with evidence, never reviewer prose", "[pipeline]") {
  sdk::Review review{sdk::Verdict::request_changes, "long reviewer musings", {}};
  review.findings.push_back({sdk::Severity::critical, "app.py", 12, "tests fail", "FAILED test_health\n"});
  std::vector<ReviewOutcome> outcomes{{"tests", review, ""}, {"lint", std::nullopt, "executable \"ruff\" not found"}};
  CHECK(findings_markdown(outcomes) == "### tests (request_changes)\n\n- **critical** `app.py:12`: tests fail\n"
                                       "  ```\n  FAILED test_health\n  ```\n\n");
  auto posted = pr_review(outcomes, 1, RunState::needs_human);
  CHECK(posted.event == sdk::ReviewEvent::request_changes);
  REQUIRE(posted.comments.size() == 1);
  CHECK(posted.comments[0].body == "**critical** (tests): tests fail\n\n<!-- fanout -->");
  CHECK(posted.body.ends_with("\n\n<!-- fanout -->")); // `fanout watch` knows its own words
  CHECK(posted.body.find("| lint | failed | 0 |") != std::string::npos);
  CHECK(posted.body.find("The reviewer could not run: executable \"ruff\" not found") != std::string::npos);
}
