#include "tests/support/brancher_harness.hpp"
#include "tests/support/reviewer_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using fanout::test::branchers::ScratchDir;
using namespace fanout::test::reviewers;

namespace {

/// A git-style diff of one file: `kind` is "new", "deleted" or "modified".
std::string file_diff(const std::string& path, const std::string& kind, const std::vector<std::string>& lines) {
  std::string out = "diff --git a/" + path + " b/" + path + "\n";
  if (kind == "new") out += "new file mode 100644\n--- /dev/null\n+++ b/" + path + "\n";
  else if (kind == "deleted") out += "deleted file mode 100644\n--- a/" + path + "\n+++ /dev/null\n";
  else out += "index 1111111..2222222 100644\n--- a/" + path + "\n+++ b/" + path + "\n";
  out += "@@ -1,1 +1," + std::to_string(lines.size()) + " @@\n";
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::vector<std::string> many(const std::string& line, int count) { return std::vector<std::string>(count, line); }

std::vector<std::string> messages(const sdk::Review& review) {
  std::vector<std::string> out;
  for (const auto& f : review.findings) out.push_back(std::string(sdk::to_string(f.severity)) + ": " + f.message);
  return out;
}

} // namespace

TEST_CASE("scope-review: heuristics, case by case", "[scope-review]") {
  struct Case {
    const char* name;
    std::string issue;
    std::string diff;
    std::vector<std::string> expected;
    sdk::Verdict verdict;
  };
  const std::vector<Case> cases = {
      {"everything the issue names is touched, nothing else",
       "Add a `/health` route to `app.py` that returns ok.",
       file_diff("app.py", "modified", {"+    if self.path == '/health':"}) +
           file_diff("tests/test_app.py", "modified", {"+    def test_health(self):"}),
       {}, sdk::Verdict::approve},
      {"a named file is not touched",
       "Fix the counter in `app.py` and document it in docs/usage.md.",
       file_diff("app.py", "modified", {"+count += 1"}),
       {"important: issue mentions \"docs/usage.md\" but the diff does not touch it"},
       sdk::Verdict::approve_with_changes},
      {"a named identifier appears nowhere in the diff",
       "Rename `list_todos()` and keep `app.py` working.",
       file_diff("app.py", "modified", {"+x = 1"}),
       {"suggestion: issue mentions \"list_todos\" but the diff does not touch it"},
       sdk::Verdict::approve},
      {"a file nested under a named path counts as touched",
       "Change `server/app.py`.",
       file_diff("src/server/app.py", "modified", {"+x = 1"}),
       {}, sdk::Verdict::approve},
      {"an unrelated small change is a suggestion",
       "Add `/health` to `app.py`.",
       file_diff("app.py", "modified", {"+'/health'"}) + file_diff("docs/style.css", "modified", {"+a {}"}),
       {"suggestion: the diff changes \"docs/style.css\", which the issue does not mention"},
       sdk::Verdict::approve},
      {"a file in the directory of a named file is related",
       "Fix `web/app.py`.",
       file_diff("web/app.py", "modified", {"+x"}) + file_diff("web/util.py", "modified", {"+y"}),
       {}, sdk::Verdict::approve},
      {"a file whose name the issue uses is related",
       "Add `app.py` support for todo priorities.",
       file_diff("app.py", "modified", {"+x"}) + file_diff("models/todo.py", "modified", {"+priority = 0"}),
       {}, sdk::Verdict::approve},
      {"a file whose changed lines use a named identifier is related",
       "Make `DATABASE_PATH` configurable in `app.py`.",
       file_diff("app.py", "modified", {"+x"}) + file_diff("lib/settings.py", "modified", {"+DATABASE_PATH = env()"}),
       {}, sdk::Verdict::approve},
      {"a large unrelated change is important",
       "Fix `app.py`.",
       file_diff("app.py", "modified", {"+x"}) + file_diff("vendor/big.js", "new", many("+var a;", 201)),
       {"important: large unrelated change: \"vendor/big.js\" (+201 -0 lines) is not mentioned by the issue"},
       sdk::Verdict::approve_with_changes},
      {"lockfile churn without a dependency request",
       "Fix the typo in `app.py`.",
       file_diff("app.py", "modified", {"+x"}) + file_diff("package-lock.json", "modified", {"+\"left-pad\": {}"}),
       {"important: lockfile \"package-lock.json\" changes but the issue does not ask for dependency changes"},
       sdk::Verdict::approve_with_changes},
      {"lockfile change when the issue asks to upgrade a dependency",
       "Upgrade express in `package.json`.",
       file_diff("package.json", "modified", {"+\"express\": \"5\""}) +
           file_diff("package-lock.json", "modified", {"+express 5"}),
       {}, sdk::Verdict::approve},
      {"deleting a test file",
       "Speed up `app.py`.",
       file_diff("app.py", "modified", {"+x"}) + file_diff("tests/test_slow.py", "deleted", {"-def test(): pass"}),
       {"important: the diff deletes test file \"tests/test_slow.py\""},
       sdk::Verdict::approve_with_changes},
      {"an issue in pure prose is not compared for unrelated files",
       "The homepage should greet the user by name.",
       file_diff("app.py", "modified", {"+hello"}) + file_diff("templates/index.html", "modified", {"+hi"}),
       {}, sdk::Verdict::approve},
      {"URLs and commands are not paths",
       "See https://example.com/docs/app.py and run `python3 -m unittest`; change `app.py`.",
       file_diff("app.py", "modified", {"+x"}),
       {}, sdk::Verdict::approve},
      {"fenced code in the issue is ignored",
       "Change `app.py`:\n```\nold_name()\nother/file.py\n```\n",
       file_diff("app.py", "modified", {"+x"}),
       {}, sdk::Verdict::approve},
  };
  ScratchDir dir;
  auto reviewer = load_reviewer("scope-review", nlohmann::json::object(), dir.path());
  for (const auto& c : cases) {
    INFO(c.name);
    auto review = reviewer->review(make_request("1", c.issue, c.diff, dir.path()), {});
    REQUIRE(review.ok());
    CHECK(messages(*review) == c.expected);
    CHECK(review->verdict == c.verdict);
  }
}

TEST_CASE("scope-review: a plain unified diff without git headers", "[scope-review]") {
  ScratchDir dir;
  auto reviewer = load_reviewer("scope-review", nlohmann::json::object(), dir.path());
  const std::string diff = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-old\n+new\n"
                           "--- a/notes.txt\n+++ b/notes.txt\n@@ -1 +1 @@\n-a\n+b\n";
  auto review = reviewer->review(make_request("1", "Fix `app.py`.", diff, dir.path()), {});
  REQUIRE(review.ok());
  CHECK(messages(*review) ==
        std::vector<std::string>{"suggestion: the diff changes \"notes.txt\", which the issue does not mention"});
  CHECK(review->findings[0].detail.rfind("+1 -1 lines", 0) == 0);
}

TEST_CASE("scope-review: severities are configurable", "[scope-review]") {
  ScratchDir dir;
  SECTION("a missing file can block") {
    auto reviewer = load_reviewer("scope-review", {{"missing_path_severity", "critical"}}, dir.path());
    auto review = reviewer->review(make_request("1", "Edit `README.md`.", file_diff("x.py", "modified", {"+x"}), dir.path()), {});
    REQUIRE(review.ok());
    CHECK(review->verdict == sdk::Verdict::request_changes);
    CHECK(review->findings[0].file == "README.md");
  }
  SECTION("an invalid severity is a clear failure") {
    auto reviewer = load_reviewer("scope-review", {{"unrelated_severity", "high"}}, dir.path());
    auto review = reviewer->review(make_request("1", "x", "", dir.path()), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().message == R"("unrelated_severity" must be "critical", "important" or "suggestion", got "high")");
  }
}

TEST_CASE("scope-review: agent mode adds the agent's findings and takes the stricter verdict", "[scope-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text(R"({"verdict":"request_changes","summary":"half done","findings":[
    {"severity":"critical","file":"","line":0,"message":"the issue asks for a test","detail":""}]})");
  auto reviewer = load_reviewer("scope-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
  auto review = reviewer->review(make_request("1", "Fix `app.py`.", file_diff("app.py", "modified", {"+x"}), dir.path()), {});
  REQUIRE(review.ok());
  CHECK(review->verdict == sdk::Verdict::request_changes);
  CHECK(messages(*review) == std::vector<std::string>{"critical: the issue asks for a test"});
  REQUIRE(agent.requests().size() == 1);
  CHECK(agent.requests()[0].prompt.find("whether it does what was asked") != std::string::npos);
  CHECK(agent.requests()[0].permission == sdk::Permission::read_only);
}

TEST_CASE("scope-review: agent mode cuts a diff over max_diff_bytes and says so in the prompt", "[scope-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text(R"({"verdict":"approve","summary":"fine","findings":[]})");
  const std::string diff = file_diff("app.py", "modified", many("+" + std::string(99, 'x'), 50));
  REQUIRE(diff.size() == 5152);
  auto reviewer = load_reviewer("scope-review", {{"provider", "fake"}, {"max_diff_bytes", 2000}}, dir.path(),
                                {{"fake", &agent}});
  REQUIRE(reviewer->review(make_request("1", "Fix `app.py`.", diff, dir.path()), {}).ok());
  const std::string prompt = agent.requests().at(0).prompt;
  const size_t kept = diff.rfind('\n', 1999) + 1;
  CHECK(prompt.find(diff.substr(0, kept) + "[diff cut by fanout: 5.2 KB, showing the first " + std::to_string(kept) +
                    " bytes (max_diff_bytes = 2000); run `git diff main...HEAD` for the rest]") != std::string::npos);
}
