#include "tests/support/brancher_harness.hpp"
#include "tests/support/reviewer_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using fanout::test::branchers::ScratchDir;
using namespace fanout::test::reviewers;

namespace {

const char* k_request_changes = R"({"verdict":"request_changes","summary":"missing test","findings":[
  {"severity":"important","file":"app.py","line":3,"message":"add a test for /health","detail":""}]})";

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

sdk::ReviewRequest request_in(const ScratchDir& dir) {
  auto request = make_request("7", "Add a `/health` route.", "+def health():\n", dir.path());
  request.workspace.env = {{"PORT", "4010"}, {"DATABASE_URL", "sqlite:///secret/path.db"}};
  request.workspace.ports = {4010};
  request.model = "haiku";
  return request;
}

} // namespace

TEST_CASE("agent-review: runs a fresh read-only session with the rendered prompt and schema", "[agent-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text("Reviewed.\n```json\n" + std::string(k_request_changes) + "\n```");
  auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
  auto review = reviewer->review(request_in(dir), {});
  REQUIRE(review.ok());
  CHECK(review->verdict == sdk::Verdict::request_changes);
  REQUIRE(review->findings.size() == 1);
  CHECK(review->findings[0].file == "app.py");
  CHECK(review->findings[0].line == 3);

  auto requests = agent.requests();
  REQUIRE(requests.size() == 1);
  const auto& sent = requests[0];
  CHECK(sent.permission == sdk::Permission::read_only);
  CHECK(sent.resume_session_id.empty());
  CHECK(sent.workdir == dir.path());
  CHECK(sent.model == "haiku");
  CHECK(sent.env.at("FANOUT_STAGE") == "review");
  CHECK(sent.env.at("PORT") == "4010");
  CHECK(sent.timeout == std::chrono::minutes(20));
  CHECK(nlohmann::json::parse(sent.output_schema)["title"] == "fanout review");
  CHECK(sent.prompt.find("Add a `/health` route.") != std::string::npos);
  CHECK(sent.prompt.find("+def health():") != std::string::npos);
  CHECK(sent.prompt.find("port 4010") != std::string::npos);
  CHECK(sent.prompt.find("$DATABASE_URL") != std::string::npos);
  CHECK(sent.prompt.find("secret/path.db") == std::string::npos); // the name, never the value
  CHECK(sent.prompt.find("{{") == std::string::npos);
}

TEST_CASE("agent-review: model and prompt come from the config", "[agent-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text(R"({"verdict":"approve","summary":"fine","findings":[]})");
  SECTION("model override and the adversarial prompt") {
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}, {"model", "opus"}, {"prompt", "adversarial"}},
                                  dir.path(), {{"fake", &agent}});
    REQUIRE(reviewer->review(request_in(dir), {}).ok());
    CHECK(agent.requests()[0].model == "opus");
    CHECK(agent.requests()[0].prompt.find("adversarial reviewer") != std::string::npos);
  }
  SECTION("a repo override in .fanout/prompts wins over the built-in") {
    write(dir.path() / ".fanout/prompts/review-pr.md", "OUR RULES for {{issue.key}}");
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
    REQUIRE(reviewer->review(request_in(dir), {}).ok());
    CHECK(agent.requests()[0].prompt == "OUR RULES for 7");
  }
  SECTION("a repo's own prompt file") {
    write(dir.path() / "review/security.md", "security review of {{issue.title}}");
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}, {"prompt", "review/security.md"}}, dir.path(),
                                  {{"fake", &agent}});
    REQUIRE(reviewer->review(request_in(dir), {}).ok());
    CHECK(agent.requests()[0].prompt == "security review of issue 7");
  }
}

TEST_CASE("agent-review: invalid output gets one retry asking for valid JSON", "[agent-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text("Looks good to me!", "sess-42");
  agent.push_text(R"({"verdict":"approve","summary":"fine","findings":[]})", "sess-42");
  SECTION("resumed in the same session when the provider can resume") {
    agent.resumable = true;
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
    auto review = reviewer->review(request_in(dir), {});
    REQUIRE(review.ok());
    CHECK(review->verdict == sdk::Verdict::approve);
    auto requests = agent.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].resume_session_id == "sess-42");
    CHECK(requests[1].prompt.rfind("Your answer was not a valid review: no JSON object found", 0) == 0);
  }
  SECTION("a new session with the correction appended otherwise") {
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
    REQUIRE(reviewer->review(request_in(dir), {}).ok());
    auto requests = agent.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].resume_session_id.empty());
    CHECK(requests[1].prompt.rfind(requests[0].prompt, 0) == 0);
    CHECK(requests[1].prompt.find("Your answer was not a valid review") != std::string::npos);
  }
}

TEST_CASE("agent-review: failures say what went wrong", "[agent-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  SECTION("invalid twice") {
    agent.push_text(R"({"verdict":"lgtm","summary":"","findings":[]})");
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
    auto review = reviewer->review(request_in(dir), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(review.failure().message ==
          R"(agent "fake" did not return a valid review after 2 attempts: "verdict" must be one of "approve", "approve_with_changes", "request_changes", got "lgtm")");
    CHECK(agent.requests().size() == 2);
  }
  SECTION("the session timed out") {
    sdk::SessionResult result;
    result.outcome = sdk::SessionOutcome::timeout;
    result.text = "killed after 20m";
    agent.push(result);
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}}, dir.path(), {{"fake", &agent}});
    auto review = reviewer->review(request_in(dir), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().kind == sdk::FailureKind::timeout);
    CHECK(review.failure().message == R"(review session with agent "fake" failed (timeout): killed after 20m)");
  }
  SECTION("unknown prompt") {
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}, {"prompt", "revew-pr"}}, dir.path(),
                                  {{"fake", &agent}});
    auto review = reviewer->review(request_in(dir), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().kind == sdk::FailureKind::not_found);
    CHECK(review.failure().message == R"(unknown prompt "revew-pr" (built in: "review-pr", "adversarial", "scope"; )"
                                      R"(or put .fanout/prompts/revew-pr.md in the repository))");
  }
  SECTION("missing prompt file") {
    auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}, {"prompt", "docs/nope.md"}}, dir.path(),
                                  {{"fake", &agent}});
    auto review = reviewer->review(request_in(dir), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().message == "prompt file \"" + (dir.path() / "docs/nope.md").string() + "\" not found");
  }
  SECTION("unknown provider") {
    auto reviewer = load_reviewer("agent-review", {{"provider", "nobody"}}, dir.path(), {{"fake", &agent}});
    auto review = reviewer->review(request_in(dir), {});
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().message == R"(no agent "nobody")");
  }
}

TEST_CASE("agent-review: a diff over max_diff_bytes is cut at a line, and the prompt says what was cut",
          "[agent-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text(R"({"verdict":"approve","summary":"fine","findings":[]})");
  std::string diff;
  for (int i = 0; i < 30; ++i) diff += "+" + std::string(i < 10 ? "00" : "0") + std::to_string(i) + std::string(96, 'a') + "\n";
  REQUIRE(diff.size() == 3030);
  auto request = request_in(dir);
  request.diff = diff;
  auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}, {"max_diff_bytes", 1000}}, dir.path(),
                                {{"fake", &agent}});
  REQUIRE(reviewer->review(request, {}).ok());
  const std::string prompt = agent.requests().at(0).prompt;
  CHECK(prompt.find(diff.substr(0, 909) + "[diff cut by fanout: 3.0 KB, showing the first 909 bytes (max_diff_bytes = "
                                          "1000); run `git diff " + request.workspace.base + "...HEAD` for the rest]") !=
        std::string::npos);
  CHECK(prompt.find("+009") == std::string::npos);
}

TEST_CASE("agent-review: a diff cut inside one long line never splits a UTF-8 character", "[agent-review]") {
  ScratchDir dir;
  ScriptedAgent agent;
  agent.push_text(R"({"verdict":"approve","summary":"fine","findings":[]})");
  std::string diff;
  for (int i = 0; i < 1000; ++i) diff += "\xc3\xa9"; // é
  auto request = request_in(dir);
  request.diff = diff;
  auto reviewer = load_reviewer("agent-review", {{"provider", "fake"}, {"max_diff_bytes", 1001}}, dir.path(),
                                {{"fake", &agent}});
  REQUIRE(reviewer->review(request, {}).ok());
  CHECK(agent.requests().at(0).prompt.find(diff.substr(0, 1000) + "\n[diff cut by fanout: 2.0 KB, showing the first "
                                           "1000 bytes (max_diff_bytes = 1001); run `git diff main...HEAD` for the "
                                           "rest]") != std::string::npos);
}
