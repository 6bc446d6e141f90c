#include "tests/plugins/github/github_helpers.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace fanout;
using namespace fanout::test;

namespace {

using Fixture = GithubCodeHostFixture;

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
  f.github.set_max_per_page(2);
  auto found = f.host->find("fanout/1-x", f.cancel);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->title == "current");
  CHECK(f.github.requests("GET", "/repos/acme/widgets/pulls").size() == 3);
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

namespace {

/// The commit `rev` names in `dir`.
std::string rev_parse(const std::filesystem::path& dir, const std::string& rev) {
  Shell out = sh("git rev-parse " + rev, dir);
  REQUIRE(out.rc == 0);
  return out.out.substr(0, out.out.find('\n'));
}

} // namespace

TEST_CASE("github code host: a push with a lease replaces a rebased branch only while the remote is where it was", "[github]") {
  Fixture f;
  TempDir root("lease");
  REQUIRE(sh("git init -q --bare remote.git", root.path()).rc == 0);
  init_git_repo(root / "work", {{"a.txt", "one\n"}});
  REQUIRE(sh("git remote add origin ../remote.git && git checkout -q -b fanout/7-health && "
             "echo two >> a.txt && git commit -qam two", root / "work").rc == 0);
  REQUIRE(f.host->push(root / "work", "fanout/7-health", {}, f.cancel).ok());
  const std::string pushed = rev_parse(root / "work", "HEAD");

  // The branch is rewritten (as a rebase does): a plain push is not a fast-forward.
  REQUIRE(sh("git commit -q --amend -m 'two, reworded'", root / "work").rc == 0);
  auto plain = f.host->push(root / "work", "fanout/7-health", {}, f.cancel);
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.failure().kind == sdk::FailureKind::conflict);
  CHECK(plain.failure().message == "git push of \"fanout/7-health\" to \"origin\" was refused: the remote branch has "
                                   "commits that are not in the local one; fetch it and update the branch first");

  SECTION("with the remote still at the expected head, the lease lets the push through") {
    REQUIRE(f.host->push(root / "work", "fanout/7-health", {true, pushed}, f.cancel).ok());
    CHECK(rev_parse(root / "remote.git", "refs/heads/fanout/7-health") == rev_parse(root / "work", "HEAD"));
  }
  SECTION("after someone else pushed, the stale lease is refused and their commit stays") {
    REQUIRE(sh("git clone -q remote.git other && cd other && git checkout -q fanout/7-health && "
               "git -c user.email=o@e -c user.name=o commit -q --allow-empty -m theirs && git push -q origin fanout/7-health",
               root.path()).rc == 0);
    const std::string theirs = rev_parse(root / "remote.git", "refs/heads/fanout/7-health");
    auto stale = f.host->push(root / "work", "fanout/7-health", {true, pushed}, f.cancel);
    REQUIRE_FALSE(stale.ok());
    CHECK(stale.failure().kind == sdk::FailureKind::conflict);
    CHECK(stale.failure().message == "git push of \"fanout/7-health\" to \"origin\" was refused: the remote branch is no "
                                     "longer at \"" + pushed.substr(0, 12) + "\" (someone else pushed to it); fetch it "
                                     "and update the branch first");
    CHECK(rev_parse(root / "remote.git", "refs/heads/fanout/7-health") == theirs);
  }
  SECTION("a lease without the expected head is the caller's mistake") {
    auto bad = f.host->push(root / "work", "fanout/7-health", {true, ""}, f.cancel);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(bad.failure().message == "a push with force_with_lease needs the expected remote head");
  }
}

TEST_CASE("github code host: get reads the head commit and the mergeable state", "[github]") {
  Fixture f;
  const int n = f.github.add_pull({0, "Add health", "", "fanout/7-health", "main"});
  auto state_of = [&](std::optional<bool> mergeable, const std::string& state) {
    f.github.set_pull_head(n, "0123abcd", mergeable, state);
    auto pr = f.host->get(std::to_string(n), f.cancel);
    REQUIRE(pr.ok());
    CHECK(pr->head_sha == "0123abcd");
    return pr->mergeable;
  };
  CHECK(state_of(std::nullopt, "unknown") == sdk::Mergeable::unknown); // GitHub is still computing it
  CHECK(state_of(false, "dirty") == sdk::Mergeable::conflicting);
  CHECK(state_of(true, "behind") == sdk::Mergeable::behind);
  for (const char* clean : {"clean", "unstable", "blocked", "has_hooks"}) CHECK(state_of(true, clean) == sdk::Mergeable::clean);
  CHECK(state_of(false, "draft") == sdk::Mergeable::conflicting);
  CHECK(state_of(true, "draft") == sdk::Mergeable::clean);

  // Lists carry the head but not the mergeable state.
  auto found = f.host->find("fanout/7-health", f.cancel);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->head_sha == "0123abcd");
  CHECK((*found)->mergeable == sdk::Mergeable::unknown);
}

TEST_CASE("github code host: update branch merges the base on GitHub's side, or says why not", "[github]") {
  Fixture f;
  const int n = f.github.add_pull({0, "Add health", "", "fanout/7-health", "main"});
  f.github.set_pull_head(n, "1111", true, "behind");
  auto pr = f.host->get(std::to_string(n), f.cancel);
  REQUIRE(pr.ok());

  SECTION("a branch that is only behind is updated, guarded by its head") {
    REQUIRE(f.host->update_branch(*pr, f.cancel).ok());
    CHECK(f.github.branch_updates(n) == 1);
    const auto sent = f.github.requests("PUT", "/repos/acme/widgets/pulls/" + std::to_string(n) + "/update-branch");
    REQUIRE(sent.size() == 1);
    CHECK(nlohmann::json::parse(sent[0].body) == nlohmann::json{{"expected_head_sha", "1111"}});
  }
  SECTION("a conflicting branch is a conflict to resolve in the worktree") {
    f.github.set_pull_head(n, "1111", false, "dirty");
    auto refused = f.host->update_branch(*pr, f.cancel);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().kind == sdk::FailureKind::conflict);
    CHECK(refused.failure().message == "github cannot update pull request #" + std::to_string(n) + " from \"main\": the "
                                       "branches conflict; update it in the worktree (github refused PUT /repos/acme/widgets/pulls/" +
                                       std::to_string(n) + "/update-branch (HTTP 422 \"merge conflict between base and head\"))");
    CHECK(f.github.branch_updates(n) == 0);
  }
  SECTION("a head that moved since it was read is a conflict too") {
    f.github.set_pull_head(n, "2222", true, "behind");
    auto refused = f.host->update_branch(*pr, f.cancel);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().kind == sdk::FailureKind::conflict);
    CHECK_THAT(refused.failure().message, Catch::StartsWith("github did not update pull request #" + std::to_string(n) +
                                                            ": its head moved on from \"1111\" (someone pushed); read it again"));
  }
  SECTION("a missing pull request") {
    sdk::PullRequest gone = *pr;
    gone.id = "999";
    auto missing = f.host->update_branch(gone, f.cancel);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.failure().kind == sdk::FailureKind::not_found);
    CHECK(missing.failure().message == "github pull request \"999\" not found in \"acme/widgets\"");
  }
}

TEST_CASE("github code host: merge state and update branch follow the real repository", "[github]") {
  Fixture f;
  TempDir root("gitremote");
  REQUIRE(sh("git init -q --bare remote.git", root.path()).rc == 0);
  init_git_repo(root / "work", {{"a.txt", "one\ntwo\n"}});
  REQUIRE(sh("git remote add origin ../remote.git && git push -q origin main && git checkout -q -b fanout/7-health && "
             "printf 'one, checked\\ntwo\\n' > a.txt && git commit -qam head && git push -q origin fanout/7-health",
             root / "work").rc == 0);
  f.github.use_git_remote(root / "remote.git", true);
  const int n = f.github.add_pull({0, "Add health", "", "fanout/7-health", "main"});
  const std::string id = std::to_string(n);

  auto fresh = f.host->get(id, f.cancel);
  REQUIRE(fresh.ok());
  CHECK(fresh->head_sha == rev_parse(root / "work", "HEAD"));
  CHECK(fresh->mergeable == sdk::Mergeable::clean);

  SECTION("a base that moved without conflicts: behind, and GitHub merges it in") {
    REQUIRE(sh("git checkout -q main && echo other > b.txt && git add b.txt && git commit -qm base && git push -q origin main",
               root / "work").rc == 0);
    auto behind = f.host->get(id, f.cancel);
    REQUIRE(behind.ok());
    CHECK(behind->mergeable == sdk::Mergeable::behind);
    REQUIRE(f.host->update_branch(*behind, f.cancel).ok());
    const std::string merged = rev_parse(root / "remote.git", "refs/heads/fanout/7-health");
    CHECK(rev_parse(root / "remote.git", merged + "^1") == behind->head_sha);
    CHECK(rev_parse(root / "remote.git", merged + "^2") == rev_parse(root / "remote.git", "refs/heads/main"));
    auto updated = f.host->get(id, f.cancel);
    REQUIRE(updated.ok());
    CHECK(updated->head_sha == merged);
    CHECK(updated->mergeable == sdk::Mergeable::clean);
  }
  SECTION("a base that conflicts: conflicting, and GitHub refuses to merge it") {
    REQUIRE(sh("git checkout -q main && printf 'one, monitored\\ntwo\\n' > a.txt && git commit -qam base && "
               "git push -q origin main", root / "work").rc == 0);
    auto conflicting = f.host->get(id, f.cancel);
    REQUIRE(conflicting.ok());
    CHECK(conflicting->mergeable == sdk::Mergeable::conflicting);
    auto refused = f.host->update_branch(*conflicting, f.cancel);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.failure().kind == sdk::FailureKind::conflict);
    CHECK(rev_parse(root / "remote.git", "refs/heads/fanout/7-health") == fresh->head_sha);
  }
}
