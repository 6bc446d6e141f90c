// fanout commits what a build or fix session left uncommitted (a sandboxed codex can edit
// the worktree but not write its git dir), with a message from the issue, honouring excludes.

#include "pipeline_helpers.hpp"

#include "host/pipeline/run_store.hpp"
#include "tests/support/scoped_env.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using namespace fanout::test;
using pipeline::RunState;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

} // namespace

TEST_CASE("pipeline: a build that edits without committing gets its changes committed by fanout", "[pipeline]") {
  Harness h;
  h.tracker.add("8", "add a health endpoint");
  git(h.repo, "config user.name 'Repo Owner'");
  git(h.repo, "config user.email owner@example.invalid");
  // A file fanout copied into the worktree and excluded there must stay out of the commit.
  std::ofstream(h.repo / ".git" / "info" / "exclude", std::ios::app) << "copied.env\n";
  h.agent.scripts["8"].build_commits = false;
  h.agent.scripts["8"].build_leaves = {{"health.txt", "ok\n"}, {"copied.env", "SECRET=1\n"}};

  CHECK(h.run({"8"}).at("8") == RunState::done);
  auto worktree = pipeline::RunStore(h.settings.db_path).get("8")->worktree;
  CHECK(trimmed(git(h.repo, "log -1 --format=%s fanout/8")) == "add a health endpoint (8)");
  CHECK(trimmed(git(h.repo, "log -1 --format=%b fanout/8")) ==
        "fanout committed the changes the build session left uncommitted, for issue 8 (https://tracker.test/8).");
  CHECK(trimmed(git(h.repo, "log -1 --format=%an%n%ae fanout/8")) == "Repo Owner\nowner@example.invalid");
  CHECK(trimmed(git(h.repo, "show --name-only --format= fanout/8")) == "health.txt");
  CHECK(std::filesystem::exists(std::filesystem::path(worktree) / "copied.env"));
  CHECK(h.code_host.opened == 1);
}

TEST_CASE("pipeline: without a git identity fanout commits as \"fanout\"", "[pipeline]") {
  Harness h;
  h.tracker.add("9", "fix the typo");
  ScopedEnv global("GIT_CONFIG_GLOBAL", "/dev/null");
  ScopedEnv system("GIT_CONFIG_NOSYSTEM", "1");
  h.agent.scripts["9"].build_commits = false;
  h.agent.scripts["9"].build_leaves = {{"typo.txt", "fixed\n"}};
  CHECK(h.run({"9"}).at("9") == RunState::done);
  CHECK(trimmed(git(h.repo, "log -1 --format=%an%n%ae fanout/9")) == "fanout\nfanout@localhost");
}

TEST_CASE("pipeline: a fix round that edits without committing is committed and pushed", "[pipeline]") {
  Harness h;
  h.tracker.add("10", "feature");
  h.agent.scripts["10"].fix_commits = false;
  h.agent.scripts["10"].fix_leaves = {{"fixed-10.txt", "fixed\n"}};
  h.reviewers.emplace_back("tests", [](const sdk::ReviewRequest& request) {
    if (request.diff.find("fixed-10.txt") != std::string::npos) return sdk::Result<sdk::Review>(approve());
    return sdk::Result<sdk::Review>(request_changes("add a test", "feature-10.txt", 1));
  });
  CHECK(h.run({"10"}).at("10") == RunState::done);
  CHECK(trimmed(git(h.repo, "log -1 --format=%s fanout/10")) == "Address review findings, round 1 (10)");
  CHECK(h.code_host.pushes == 2);
}
