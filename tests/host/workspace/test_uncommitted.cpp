// What counts as uncommitted work (what a plain `clean` keeps), around an unfinished checkout.
#include "host/workspace/checkout.hpp"
#include "host/workspace/uncommitted.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout::workspace;
using fanout::test::sh;
using fanout::test::TempRepo;
namespace fs = std::filesystem;

TEST_CASE("uncommitted work: none in a checkout cut short, the new file once it is complete", "[workspace][clean]") {
  TempRepo repo({{"src/a.txt", "a\n"}, {"src/b.txt", "b\n"}});
  REQUIRE(sh("git worktree add -q --no-checkout ../wt-unfinished -b unfinished", repo.root()).rc == 0);
  const fs::path worktree = repo.root().parent_path() / "wt-unfinished";
  fanout::config::WorkspaceConfig config;
  // Cut short: some of HEAD's files written, no index yet.
  fs::create_directories(worktree / "src");
  std::ofstream(worktree / "src/a.txt") << "a\n";
  CHECK(uncommitted_work(config, worktree).empty());

  parallel_checkout(worktree, 2);
  CHECK(uncommitted_work(config, worktree).empty());
  std::ofstream(worktree / "notes.txt") << "the agent's work\n";
  CHECK(uncommitted_work(config, worktree) == std::vector<std::string>{"notes.txt"});
  fs::remove_all(worktree);
}
