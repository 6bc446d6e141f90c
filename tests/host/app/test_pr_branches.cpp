// The branches `fanout pr show` looks for an issue's pull request on, named as
// host/workspace/naming names them.
#include "host/app/pr_branches.hpp"
#include "host/services/process_runner.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

TEST_CASE("pr branches: the issue's fanout/<key>-* branches, local and remote, each once", "[app]") {
  test::AppRepo repo;
  for (const auto& ref : {"refs/heads/fanout/7-a", "refs/heads/fanout/7-b", "refs/heads/fanout/71-other",
                          "refs/heads/feature/7-a", "refs/remotes/origin/fanout/7-a", "refs/remotes/origin/fanout/7-c"})
    repo.repo().git(std::string("update-ref ") + ref + " HEAD");
  services::LocalProcessRunner runner{nullptr};
  CHECK(app::pr_branches(repo.root(), "7", runner) == std::vector<std::string>{"fanout/7-a", "fanout/7-b", "fanout/7-c"});
  CHECK(app::pr_branches(repo.root(), "8", runner).empty());
}

TEST_CASE("pr branches: the workspace's own branch when there is a workspace", "[app]") {
  test::AppRepo repo;
  repo.repo().git("update-ref refs/heads/fanout/7-older HEAD");
  services::LocalProcessRunner runner{nullptr};
  workspace::WorkspaceManager manager(workspace::Settings::from(repo.config()), nullptr, &runner);
  sdk::Issue issue;
  issue.key = "7";
  issue.title = "Fix it";
  auto made = manager.up(issue, sdk::CancelToken());
  REQUIRE(made.ok());
  CHECK(app::pr_branches(repo.root(), "7", runner) == std::vector<std::string>{"fanout/7-fix-it"});
}
