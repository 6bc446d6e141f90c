// The index fanout writes after its parallel checkout, read back by the real git CLI.
#include "host/workspace/checkout.hpp"
#include "host/workspace/index_file.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>

using namespace fanout;
using namespace fanout::workspace;
using fanout::test::sh;
using fanout::test::TempRepo;
namespace fs = std::filesystem;

namespace {

fs::path add_worktree(const TempRepo& repo, const std::string& name) {
  REQUIRE(sh("git worktree add -q --no-checkout ../" + name + " -b " + name, repo.root()).rc == 0);
  return repo.root().parent_path() / name;
}

} // namespace

TEST_CASE("index file: git sees a clean tree with the right modes after the parallel checkout", "[workspace][checkout]") {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 40; ++i) files["src/deep/er/f" + std::to_string(i) + ".txt"] = "line " + std::to_string(i) + "\n";
  files["a.txt"] = "a\n";
  files["b-c/x"] = "x\n"; // '-' sorts before '/': the index order is bytewise, as git's
  files["b/x"] = "x\n";
  files[std::string(200, 'n') + "/long-name.txt"] = "long\n";
  TempRepo repo(files);
  repo.write("run.sh", "#!/bin/sh\necho hi\n");
  ::chmod((repo.root() / "run.sh").c_str(), 0755);
  ::symlink("a.txt", (repo.root() / "link").c_str());
  REQUIRE(sh("git add -A && git commit -q -m more", repo.root()).rc == 0);
  const fs::path worktree = add_worktree(repo, "index-test");

  parallel_checkout(worktree, 3);

  const auto status = sh("git status --porcelain", worktree);
  CHECK(status.rc == 0); // a malformed index makes git fail here
  CHECK(status.out.empty());
  CHECK(sh("git diff-files --quiet", worktree).rc == 0); // stat data matches: nothing to refresh
  CHECK(sh("git ls-files -s run.sh", worktree).out.rfind("100755 ", 0) == 0);
  CHECK(sh("git ls-files -s link", worktree).out.rfind("120000 ", 0) == 0);
  CHECK(sh("git ls-files -s a.txt", worktree).out.rfind("100644 ", 0) == 0);
  CHECK(sh("git ls-files", worktree).out == sh("git ls-tree -r --name-only HEAD", worktree).out);
  // A commit from the worktree works on top of it (git reads and rewrites the index).
  std::ofstream(worktree / "a.txt") << "changed\n";
  CHECK(sh("git commit -q -am change && git status --porcelain", worktree).out.empty());
  fs::remove_all(worktree);
}

TEST_CASE("index file: a held index.lock fails the write, naming the lock", "[workspace][checkout]") {
  TempRepo repo;
  const fs::path index = repo.root() / "some-index";
  std::ofstream(index.string() + ".lock") << "held by someone else";
  IndexEntry entry{"README.md", {}, GIT_FILEMODE_BLOB};
  CHECK_THROWS_WITH(write_index_file(index, {entry}),
                    Catch::Contains("cannot create \"" + index.string() + ".lock\": File exists"));
  CHECK_FALSE(fs::exists(index));
}
