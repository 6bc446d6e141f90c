// One redactor for the whole process (docs/security.md): an agent that prints the provider
// key and the tracker token leaves them in no transcript, plan, state, status, log, PR,
// review or tracker comment, nor on stdout; a "secret" that is a common word stays readable.
#include "tests/support/e2e.hpp"
#include "tests/support/scoped_env.hpp"

#include <catch2/catch.hpp>

using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_key = "sk-ant-e2e-7f3a9c2d1b8e4f60";

/// Files under `dir` whose bytes contain `needle`.
std::vector<std::string> files_containing(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && read_text(entry.path()).find(needle) != std::string::npos)
      found.push_back(entry.path().string());
  return found;
}

} // namespace

TEST_CASE("e2e: secrets an agent prints reach no sink; a common-word key is not redacted as a word", "[e2e]") {
  ScopedEnv key("ANTHROPIC_API_KEY", k_key);
  ScopedEnv word("OPENAI_API_KEY", "fake");
  E2e e2e;
  const std::string token = e2e.server.token();
  const std::string leak = std::string(k_key) + " and " + token + " and a fake value";
  e2e.script("PLAN", R"({"text": "1. change app.py; )" + leak + R"("})");
  e2e.script("BUILD", R"({"files": {"feature-{issue}.txt": "x\n"}, "commit": "implement {issue}", "text": ")" + leak +
                          R"("})");
  e2e.script("FIX", R"({"files": {"fixed.txt": "fixed\n"}, "commit": "fix", "text": ")" + leak + R"("})");
  e2e.script("REVIEW", R"({"structured_output": {"verdict": "request_changes", "summary": ")" + leak +
                           R"(", "findings": [{"severity": "important", "file": "app.py", "line": 1, "message": ")" +
                           leak + R"("}]}})");

  auto ran = e2e.fanout({"run", "1"});
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 1); // the reviewer never approves: needs_human
  for (const std::string& secret : {std::string(k_key), token}) {
    INFO("secret: " << secret);
    CHECK(ran.out.find(secret) == std::string::npos);
    CHECK(ran.err.find(secret) == std::string::npos);
    // Transcripts, plan.md, the state store (and its WAL), the env files: every byte fanout wrote.
    CHECK(files_containing(e2e.repo / ".fanout", secret).empty());
    for (const auto& args : std::vector<std::vector<std::string>>{{"status", "--json"}, {"status"}, {"logs", "1"}}) {
      auto shown = e2e.fanout(args);
      INFO(args[0] << ": " << shown.out << shown.err);
      CHECK(shown.exit_code == 0);
      CHECK(shown.out.find(secret) == std::string::npos);
    }
    auto pulls = e2e.server.pulls();
    REQUIRE(pulls.size() == 1);
    CHECK(pulls[0].body.find(secret) == std::string::npos);
    for (const auto& review : e2e.server.reviews(pulls[0].number)) {
      CHECK(review.body.find(secret) == std::string::npos);
      CHECK(review.comments.dump().find(secret) == std::string::npos);
    }
    const auto issue = e2e.server.issue(1);
    REQUIRE(issue);
    for (const auto& comment : issue->comments) CHECK(comment.find(secret) == std::string::npos);
  }
  // What was cut is visible, and the common word is left alone.
  const std::string plan = read_text(e2e.repo / ".fanout" / "runs" / "1" / "plan.md");
  CHECK(plan == "1. change app.py; *** and *** and a fake value");
  CHECK(e2e.server.pulls()[0].body.find("*** and *** and a fake value") != std::string::npos);
  CHECK(e2e.fanout({"logs", "1", "--stage", "build"}).out.find("[build] *** and *** and a fake value") !=
        std::string::npos);
  const auto comments = e2e.server.issue(1)->comments;
  REQUIRE_FALSE(comments.empty());
  CHECK(comments.back().find("*** and *** and a fake value") != std::string::npos);

  // `fanout agent run` prints through the same redactor, as text and as JSON.
  for (const bool json : {false, true}) {
    std::vector<std::string> args{"agent", "run", "--provider", "claude-code", "--workdir", e2e.repo.string()};
    if (json) args.push_back("--json");
    args.push_back("STAGE=PLAN ISSUE=1");
    auto agent = e2e.fanout(args);
    INFO(agent.out << agent.err);
    CHECK(agent.exit_code == 0);
    CHECK(agent.out.find(k_key) == std::string::npos);
    CHECK(agent.out.find(token) == std::string::npos);
    CHECK(agent.out.find("*** and *** and a fake value") != std::string::npos);
  }
}
