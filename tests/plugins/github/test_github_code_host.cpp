#include "tests/support/fake_github_server.hpp"
#include "tests/support/tracker_harness.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace fanout;
using namespace fanout::test;

namespace {

struct Fixture {
  FakeGithubServer github;
  std::unique_ptr<trackers::Services> services = trackers::make_services({{"GITHUB_TOKEN", github.token()}});
  plugins::Instance<sdk::CodeHost> host =
      trackers::load<sdk::CodeHost>(*services, "github", {{"repo", "acme/widgets"}, {"api_url", github.api_url()}});
  sdk::CancelToken cancel;
};

/// Answers `gh auth token` with a token and records every process asked for.
class ScriptedRunner final : public sdk::ProcessRunner {
public:
  std::string token;
  std::vector<std::vector<std::string>> argvs;
  sdk::Result<sdk::ProcessResult> run(const sdk::ProcessSpec& spec, const sdk::LineCallback&, const sdk::CancelToken&) override {
    argvs.push_back(spec.argv);
    if (token.empty()) return sdk::fail(sdk::FailureKind::not_found, "executable \"gh\" not found");
    sdk::ProcessResult result;
    result.exit_code = 0;
    result.out = token + "\n";
    return result;
  }
};

void git(const std::filesystem::path& dir, const std::string& args) {
  const std::string command = "git -C '" + dir.string() + "' " + args + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
}

} // namespace

TEST_CASE("github code host: open, find, update and get a pull request", "[github]") {
  Fixture f;
  auto none = f.host->find("fanout/7-health", f.cancel);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  CHECK(f.github.requests("GET", "/repos/acme/widgets/pulls").front().params.at("head") == "acme:fanout/7-health");

  auto opened = f.host->open({"Add health endpoint", "Closes #7", "fanout/7-health", "main", true}, f.cancel);
  REQUIRE(opened.ok());
  CHECK(opened->head == "fanout/7-health");
  CHECK(opened->base == "main");
  CHECK(opened->draft);
  CHECK(opened->state == sdk::PullRequestState::open);
  CHECK(opened->url == "https://github.com/acme/widgets/pull/" + opened->id);

  auto found = f.host->find("fanout/7-health", f.cancel);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->id == opened->id);
  CHECK(f.github.requests("GET", "/repos/acme/widgets/pulls").back().params.at("state") == "all");

  sdk::PullRequest changed = *opened;
  changed.body = "Closes #7\n\nReviewed by fanout.";
  REQUIRE(f.host->update(changed, f.cancel).ok());
  CHECK(f.github.pull(std::stoi(opened->id))->body == "Closes #7\n\nReviewed by fanout.");

  f.github.merge_pull(std::stoi(opened->id));
  auto merged = f.host->get(opened->id, f.cancel);
  REQUIRE(merged.ok());
  CHECK(merged->state == sdk::PullRequestState::merged);

  SECTION("opening a second pull request for the branch explains GitHub's refusal") {
    f.github.add_pull({0, "again", "", "fanout/8-x", "main"});
    auto again = f.host->open({"again", "", "fanout/8-x", "main", false}, f.cancel);
    REQUIRE_FALSE(again.ok());
    CHECK(again.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(again.failure().message ==
          "github could not open a pull request from \"fanout/8-x\" into \"main\": github refused POST /repos/acme/widgets/pulls "
          "(HTTP 422 \"Validation Failed: A pull request already exists for acme:fanout/8-x.\")");
  }
  SECTION("a missing pull request") {
    auto missing = f.host->get("404", f.cancel);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.failure().message == "github pull request \"404\" not found in \"acme/widgets\"");
  }
}

TEST_CASE("github code host: posts reviews with line comments and lists them", "[github]") {
  Fixture f;
  int n = f.github.add_pull({0, "Add health", "Closes #7", "fanout/7-health", "main"});
  sdk::PullRequest pr;
  pr.id = std::to_string(n);
  sdk::PullRequestReview review;
  review.event = sdk::ReviewEvent::request_changes;
  review.body = "Two findings.";
  review.comments = {{"src/health.cpp", 12, "handle the error"}, {"README.md", 3, "typo"}};
  REQUIRE(f.host->review(pr, review, f.cancel).ok());
  REQUIRE(f.host->review(pr, {sdk::ReviewEvent::approve, "", {}}, f.cancel).ok());

  auto posted = f.github.reviews(n);
  REQUIRE(posted.size() == 2);
  CHECK(posted[0].event == "REQUEST_CHANGES");
  CHECK(posted[0].comments == nlohmann::json::parse(R"([{"path":"src/health.cpp","line":12,"side":"RIGHT","body":"handle the error"},
                                                        {"path":"README.md","line":3,"side":"RIGHT","body":"typo"}])"));
  CHECK(posted[1].event == "APPROVE");

  auto listed = f.host->reviews(pr, f.cancel);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].state == "changes_requested");
  CHECK((*listed)[0].body == "Two findings.");
  CHECK((*listed)[0].author == "fanout-bot");
  CHECK((*listed)[1].state == "approved");
}

TEST_CASE("github code host: finds a branch's pull request across pages", "[github]") {
  Fixture f;
  // GitHub ignores a bare head filter; the fake mimics that when the owner is missing, so
  // the plugin must send owner:branch. Pages still apply to the filtered list.
  for (int i = 0; i < 5; ++i) f.github.add_pull({0, "old", "", "fanout/1-x", "main", "closed"});
  f.github.add_pull({0, "current", "", "fanout/1-x", "main", "open"});
  f.github.set_default_per_page(2);
  auto found = f.host->find("fanout/1-x", f.cancel);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->title == "current");
}

TEST_CASE("github code host: push runs the user's git push in the worktree", "[github]") {
  Fixture f;
  auto root = std::filesystem::temp_directory_path() / ("fanout-push-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "remote.git");
  std::filesystem::create_directories(root / "work");
  git(root / "remote.git", "init -q --bare");
  git(root / "work", "init -q -b main");
  git(root / "work", "-c user.email=t@e -c user.name=t commit -q --allow-empty -m init");
  git(root / "work", "remote add origin '" + (root / "remote.git").string() + "'");
  git(root / "work", "checkout -q -b fanout/7-health");

  REQUIRE(f.host->push(root / "work", "fanout/7-health", {}, f.cancel).ok());
  git(root / "remote.git", "rev-parse --verify -q refs/heads/fanout/7-health");

  SECTION("a failing push reports git's own words") {
    auto failed = f.host->push(root / "work", "no-such-branch", {}, f.cancel);
    REQUIRE_FALSE(failed.ok());
    CHECK_THAT(failed.failure().message, Catch::StartsWith("git push of \"no-such-branch\" to \"origin\" failed (exit 1): "));
    CHECK_THAT(failed.failure().message, Catch::Contains("src refspec no-such-branch does not match any"));
  }
  std::filesystem::remove_all(root);
}

TEST_CASE("github code host: falls back to gh auth token", "[github]") {
  FakeGithubServer github;
  sdk::CancelToken cancel;
  auto services = trackers::make_services({});
  auto runner = std::make_unique<ScriptedRunner>();
  ScriptedRunner* gh = runner.get();
  services->processes = std::move(runner);
  const nlohmann::json config = {{"repo", "acme/widgets"}, {"api_url", github.api_url()}};

  SECTION("with gh logged in") {
    gh->token = github.token();
    auto host = trackers::load<sdk::CodeHost>(*services, "github", config);
    auto found = host->find("main", cancel);
    REQUIRE(found.ok());
    REQUIRE(gh->argvs.size() == 1);
    CHECK(gh->argvs[0] == std::vector<std::string>{"gh", "auth", "token", "--hostname", "127.0.0.1"});
    // A token from gh's output is redacted like one from the environment.
    CHECK(services->secrets.redact("token " + github.token()) == "token ***");
  }
  SECTION("without gh the error says how to provide a token") {
    auto host = trackers::load<sdk::CodeHost>(*services, "github", config);
    auto found = host->find("main", cancel);
    REQUIRE_FALSE(found.ok());
    CHECK(found.failure().kind == sdk::FailureKind::auth);
    CHECK(found.failure().message ==
          "github needs a token: set GITHUB_TOKEN or GH_TOKEN, or log in with \"gh auth login\"; a classic token needs the "
          "\"repo\" scope (\"public_repo\" for public repositories); a fine-grained token needs Issues and Pull requests read "
          "and write");
  }
}
