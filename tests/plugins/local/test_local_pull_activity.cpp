// The local code host after a pull request is open: merge state from git, checks from the
// trusted ci_command, comments and replies as files.

#include "tests/plugins/local/local_helpers.hpp"
#include "tests/support/shell.hpp"

#include <catch2/catch.hpp>

using fanout::sdk::CancelToken;
using fanout::sdk::CheckState;
using fanout::sdk::CommentKind;
using fanout::sdk::Mergeable;
using fanout::sdk::PullRequestDraft;
using fanout::test::LocalPluginFixture;
using fanout::test::TempDir;

namespace {

/// main with health.txt "ok", branch fanout/1-health changing it to "ok, checked", and its PR 1.
fanout::sdk::PullRequest open_pr(LocalPluginFixture& f) {
  f.write("health.txt", "ok\n");
  REQUIRE(f.git("add health.txt") == 0);
  REQUIRE(f.git("commit -q -m init") == 0);
  REQUIRE(f.git("checkout -q -b fanout/1-health") == 0);
  f.write("health.txt", "ok, checked\n");
  REQUIRE(f.git("commit -q -am health") == 0);
  REQUIRE(f.git("checkout -q main") == 0);
  auto pr =
      f.code_host().open(PullRequestDraft{"Add health", "", "fanout/1-health", "main", false}, CancelToken());
  REQUIRE(pr.ok());
  return *pr;
}

std::string head_of(LocalPluginFixture& f, const std::string& branch) {
  auto out = fanout::test::sh("git rev-parse refs/heads/" + branch, f.root());
  REQUIRE(out.rc == 0);
  return out.out.substr(0, out.out.find('\n'));
}

/// A user config whose ci_command records each run's folder in `runs` and passes when
/// health.txt says "fixed".
std::string ci_config(const TempDir& runs) {
  return "[tracker]\nci_command = 'pwd >> \"" + (runs / "runs").string() +
         "\"; echo checking health; grep -q fixed health.txt || { echo \"health.txt is not fixed\"; exit 3; "
         "}'\n";
}

} // namespace

TEST_CASE("local code host: get says whether the branch still merges into its base", "[local]") {
  LocalPluginFixture f(true);
  auto pr = open_pr(f);
  auto clean = f.code_host().get(pr.id, CancelToken());
  REQUIRE(clean.ok());
  CHECK(clean->head_sha == head_of(f, "fanout/1-health"));
  CHECK(clean->mergeable == Mergeable::clean);

  // Another change lands on main and touches the same line.
  f.write("health.txt", "ok, monitored\n");
  REQUIRE(f.git("commit -q -am other") == 0);
  auto conflicting = f.code_host().get(pr.id, CancelToken());
  REQUIRE(conflicting.ok());
  CHECK(conflicting->mergeable == Mergeable::conflicting);
  // git merge-tree merged in memory: the checkout is untouched.
  CHECK(f.read("health.txt") == "ok, monitored\n");
  CHECK(fanout::test::sh("git status --porcelain --untracked-files=no", f.root()).out == "");
}

TEST_CASE("local code host: checks run ci_command once per head commit", "[local]") {
  TempDir runs("ci-runs");
  LocalPluginFixture f(true, "", ci_config(runs));
  auto pr = open_pr(f);
  auto& host = f.code_host();
  const std::string first_head = head_of(f, "fanout/1-health");

  auto failing = host.checks(pr, CancelToken());
  REQUIRE(failing.ok());
  REQUIRE(failing->size() == 1);
  const auto check = (*failing)[0];
  CHECK(check.id == "ci-" + first_head);
  CHECK(check.name == "ci");
  CHECK(check.state == CheckState::failure);
  CHECK(check.conclusion == "failure");
  CHECK(check.summary == "ci_command exited with 3");
  CHECK(check.url == "file://" + (f.root() / ".fanout/prs/1/checks" / (first_head + ".log")).string());
  // Not checked out anywhere: it ran in a checkout of its own, which is gone again.
  const std::string ran_in = fanout::test::read_text(runs / "runs");
  CHECK(ran_in.find("fanout-ci-") != std::string::npos);
  CHECK(fanout::test::sh("git worktree list --porcelain", f.root()).out.find("fanout-ci-") ==
        std::string::npos);

  auto log = host.check_log(pr, check, 1 << 20, CancelToken());
  REQUIRE(log.ok());
  CHECK(*log == "checking health\nhealth.txt is not fixed\n");
  auto tail = host.check_log(pr, check, 25, CancelToken());
  REQUIRE(tail.ok());
  CHECK(*tail == "health.txt is not fixed\n"); // the cut line is dropped

  auto again = host.checks(pr, CancelToken());
  REQUIRE(again.ok());
  CHECK((*again)[0].state == CheckState::failure);
  CHECK(fanout::test::read_text(runs / "runs") == ran_in); // the recorded result, not a second run

  SECTION("a new head commit is checked again, in the branch's worktree when it is there") {
    REQUIRE(f.git("worktree add -q ../wt fanout/1-health") == 0);
    fanout::test::write_text(f.root() / "../wt/health.txt", "fixed\n");
    REQUIRE(fanout::test::sh("git commit -q -am fix", f.root() / "../wt").rc == 0);
    auto fresh = host.get(pr.id, CancelToken());
    REQUIRE(fresh.ok());
    auto passing = host.checks(*fresh, CancelToken());
    REQUIRE(passing.ok());
    CHECK((*passing)[0].state == CheckState::success);
    CHECK((*passing)[0].id == "ci-" + head_of(f, "fanout/1-health"));
    const std::string runs_text = fanout::test::read_text(runs / "runs");
    CHECK(runs_text.substr(ran_in.size()) == std::filesystem::canonical(f.root() / "../wt").string() + "\n");
  }
  SECTION("a check id that is not ours") {
    auto unknown = host.check_log(pr, {"ci-../../etc", "ci"}, 100, CancelToken());
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.failure().kind == fanout::sdk::FailureKind::not_found);
    CHECK(unknown.failure().message == "no local check \"ci-../../etc\"");
  }
}

TEST_CASE("local code host: without ci_command there are no checks, and the repo cannot set one", "[local]") {
  LocalPluginFixture f(true);
  auto pr = open_pr(f);
  auto none = f.code_host().checks(pr, CancelToken());
  REQUIRE_FALSE(none.ok());
  CHECK(none.failure().kind == fanout::sdk::FailureKind::unsupported);
  CHECK(none.failure().message ==
        "the local code host runs no checks: set ci_command in the trusted [codehost] config");

  // An untrusted repo's fanout.toml may not choose a command to run.
  CHECK_THROWS_WITH(LocalPluginFixture(true, "ci_command = \"make test\"\n"), Catch::Contains("ci_command"));
}

TEST_CASE("local code host: comments are files people write, replies are files fanout writes", "[local]") {
  LocalPluginFixture f(true);
  auto pr = open_pr(f);
  auto& host = f.code_host();
  f.write(".fanout/prs/1/comments/01-alice.md", "---\nauthor: alice\npath: health.txt\nline: 1\ncreated_at: "
                                                "2025-03-01T10:00:00Z\n---\n\nSay what was checked.\n");
  f.write(".fanout/prs/1/comments/02-bob.md",
          "---\nauthor: bob\ncreated_at: 2025-03-01T11:00:00Z\n---\nAlso a README line?\n");
  f.write(".fanout/prs/1/comments/03-ci.md",
          "---\nauthor: linter\nbot: true\ncreated_at: 2025-03-01T12:00:00Z\n---\nstyle ok\n");

  auto comments = host.comments(pr, CancelToken());
  REQUIRE(comments.ok());
  REQUIRE(comments->size() == 3);
  const auto& line = (*comments)[0];
  CHECK(line.id == "comment-01-alice");
  CHECK(line.kind == CommentKind::line);
  CHECK(line.author == "alice");
  CHECK(line.path == "health.txt");
  CHECK(line.line == 1);
  CHECK(line.body == "Say what was checked.\n");
  CHECK(line.created_at == "2025-03-01T10:00:00Z");
  CHECK((*comments)[1].kind == CommentKind::conversation);
  CHECK((*comments)[1].author == "bob");
  CHECK_FALSE((*comments)[1].author_is_bot);
  CHECK((*comments)[2].author_is_bot);

  auto first = host.reply(pr, line, "Now it says what it checks.", CancelToken());
  REQUIRE(first.ok());
  CHECK(*first == "reply-1");
  auto second = host.reply(pr, (*comments)[1], "Added one.", CancelToken());
  REQUIRE(second.ok());
  CHECK(*second == "reply-2");
  const std::string written = f.read(".fanout/prs/1/replies/1.md");
  CHECK(written.find("author: fanout\nin_reply_to: comment-01-alice\n") != std::string::npos);
  CHECK(written.find("path: health.txt\nline: 1\n---\n\nNow it says what it checks.\n") != std::string::npos);

  auto after = host.comments(pr, CancelToken());
  REQUIRE(after.ok());
  REQUIRE(after->size() == 5);
  const auto& reply = (*after)[3]; // replies are newer than the comments
  CHECK(reply.id == "reply-1");
  CHECK(reply.author == "fanout");
  CHECK(reply.in_reply_to == "comment-01-alice");
  CHECK(reply.kind == CommentKind::line);

  SECTION("a comments folder that is a symbolic link is refused, for reading and writing") {
    TempDir elsewhere("elsewhere");
    fanout::test::write_text(elsewhere / "secret.md", "not a comment\n");
    std::filesystem::rename(f.root() / ".fanout/prs/1/comments", f.root() / ".fanout/prs/1/old-comments");
    std::filesystem::create_directory_symlink(elsewhere.path(), f.root() / ".fanout/prs/1/comments");
    auto linked = host.comments(pr, CancelToken());
    REQUIRE_FALSE(linked.ok());
    CHECK(linked.failure().kind == fanout::sdk::FailureKind::invalid_input);
    CHECK(linked.failure().message ==
          ".fanout/prs/1/comments is a symbolic link; fanout reads and writes only real folders there");
    std::filesystem::remove(f.root() / ".fanout/prs/1/replies/1.md");
    std::filesystem::remove(f.root() / ".fanout/prs/1/replies/2.md");
    std::filesystem::remove(f.root() / ".fanout/prs/1/replies");
    std::filesystem::create_directory_symlink(elsewhere.path(), f.root() / ".fanout/prs/1/replies");
    auto written = host.reply(pr, line, "Fixed.", CancelToken());
    REQUIRE_FALSE(written.ok());
    CHECK(written.failure().message ==
          ".fanout/prs/1/replies is a symbolic link; fanout reads and writes only real folders there");
    CHECK_FALSE(std::filesystem::exists(elsewhere / "1.md"));
  }
  SECTION("a malformed comment file is named with its line") {
    f.write(".fanout/prs/1/comments/04-bad.md", "---\nauthor alice\n---\nhi\n");
    auto bad = host.comments(pr, CancelToken());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.failure().message ==
          ".fanout/prs/1/comments/04-bad.md:2: front matter: expected \"key: value\", got \"author alice\"");
  }
}

TEST_CASE("local code host: a ci_command that runs too long fails its check as timed_out", "[local]") {
  LocalPluginFixture f(true, "", "[tracker]\nci_command = 'echo started; sleep 30'\nci_timeout = \"1s\"\n");
  auto pr = open_pr(f);
  auto checks = f.code_host().checks(pr, CancelToken());
  REQUIRE(checks.ok());
  REQUIRE(checks->size() == 1);
  CHECK((*checks)[0].state == CheckState::failure);
  CHECK((*checks)[0].conclusion == "timed_out");
  CHECK((*checks)[0].summary == "ci_command timed out");
  auto log = f.code_host().check_log(pr, (*checks)[0], 100, CancelToken());
  REQUIRE(log.ok());
  CHECK(*log == "started\n");

  SECTION("a pull request whose branch is gone has no checks") {
    REQUIRE(f.git("branch -q -D fanout/1-health") == 0);
    fanout::sdk::PullRequest gone = pr;
    gone.head_sha = "";
    auto none = f.code_host().checks(gone, CancelToken());
    REQUIRE_FALSE(none.ok());
    CHECK(none.failure().kind == fanout::sdk::FailureKind::not_found);
    CHECK(none.failure().message == "branch \"fanout/1-health\" of pull request 1 does not exist");
  }
}
