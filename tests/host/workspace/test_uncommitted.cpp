// What counts as uncommitted work (what a plain `clean` keeps): exactly what `git status`
// says, filters and line-ending rules included, and nothing in a checkout git never finished.
#include "host/workspace/uncommitted.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// `git worktree add` of a new branch `name` next to the repo; its path.
fs::path add_worktree(const TempRepo& repo, const std::string& name) {
  REQUIRE(sh("git worktree add -q ../" + name + " -b " + name, repo.root()).rc == 0);
  return repo.root().parent_path() / name;
}

} // namespace

TEST_CASE("uncommitted work: none in a checkout git never finished, the new file once it is complete",
          "[workspace][clean]") {
  TempRepo repo({{"src/a.txt", "a\n"}, {"src/b.txt", "b\n"}});
  const fs::path worktree = add_worktree(repo, "unfinished");
  const fs::path admin = repo.root() / ".git/worktrees/unfinished";
  fanout::config::WorkspaceConfig config;
  // What a git killed mid-checkout leaves: its "initializing" lock, no index, some files.
  std::ofstream(admin / "locked") << "initializing";
  fs::remove(admin / "index");
  fs::remove(worktree / "src/b.txt");
  CHECK(uncommitted_work(config, worktree)->empty());

  fs::remove(admin / "locked");
  REQUIRE(sh("git reset -q --hard", worktree).rc == 0);
  CHECK(uncommitted_work(config, worktree)->empty());
  std::ofstream(worktree / "notes.txt") << "the agent's work\n";
  CHECK(*uncommitted_work(config, worktree) == std::vector<std::string>{"notes.txt"});
  fs::remove_all(worktree);
}

TEST_CASE("uncommitted work: git's rules decide, so filtered, CRLF and binary files are not false changes",
          "[workspace][clean]") {
  std::string binary("a\0b\xff\r\n", 6);
  TempRepo repo({{".gitattributes", "*.txt eol=crlf\n*.up filter=upper\n*.md text\n"},
                 {"notes.txt", "one\ntwo\n"},
                 {"shout.up", "quiet words\n"},
                 {"blob.bin", binary}});
  // A clean/smudge pair, as git-lfs is one: libgit2 cannot run it, git can.
  repo.git("config filter.upper.smudge 'tr a-z A-Z'");
  repo.git("config filter.upper.clean 'tr A-Z a-z'");
  const fs::path worktree = add_worktree(repo, "filtered");
  REQUIRE(fanout::test::read_file(worktree / "shout.up") == "QUIET WORDS\n");
  REQUIRE(fanout::test::read_file(worktree / "notes.txt") == "one\r\ntwo\r\n");
  REQUIRE(fanout::test::read_file(worktree / "blob.bin") == binary);
  // New timestamps: status must look at the contents, through the filters.
  REQUIRE(sh("touch -d '2030-01-01 00:00' shout.up notes.txt blob.bin", worktree).rc == 0);
  fanout::config::WorkspaceConfig config;
  CHECK(uncommitted_work(config, worktree)->empty());

  SECTION("a real change through the filter is one") {
    std::ofstream(worktree / "shout.up") << "LOUDER WORDS\n";
    CHECK(*uncommitted_work(config, worktree) == std::vector<std::string>{"shout.up"});
  }
  SECTION("an emptied binary file is one") {
    std::ofstream(worktree / "blob.bin", std::ios::trunc);
    CHECK(*uncommitted_work(config, worktree) == std::vector<std::string>{"blob.bin"});
  }
  SECTION("status.showUntrackedFiles=no does not hide new files") {
    repo.git("config status.showUntrackedFiles no");
    std::ofstream(worktree / "new.txt") << "x\n";
    CHECK(*uncommitted_work(config, worktree) == std::vector<std::string>{"new.txt"});
  }
  SECTION("the env file and copied folders are fanout's own") {
    config.copy = {"cache"};
    std::ofstream(worktree / config.env_file) << "PORT=1\n";
    fs::create_directories(worktree / "cache/x");
    std::ofstream(worktree / "cache/x/y") << "1\n";
    std::ofstream(worktree / "staged.txt") << "s\n";
    REQUIRE(sh("git add staged.txt && git mv notes.txt moved.txt", worktree).rc == 0);
    CHECK(*uncommitted_work(config, worktree) == std::vector<std::string>{"moved.txt", "staged.txt"});
  }
  fs::remove_all(worktree);
}
