// The compatibility suite, clean and doctor: fanout keeps what git would keep. A locked
// worktree is not removed (git refuses even `worktree remove -f`); a moved worktree is
// found where git says it is and never pruned while it exists; "uncommitted work" is what
// `git status` reports, filters included.
#include "tests/host/workspace/git_compat_helpers.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// `fanout up 7` in `repo`; REQUIREs success; returns the worktree.
fs::path up(CompatRepo& repo) {
  repo.write_fanout_config();
  const auto result = repo.fanout("up 7");
  INFO(result.out);
  REQUIRE(result.rc == 0);
  return repo.root() / ".fanout/worktrees/7";
}

/// The branch fanout made for issue 7 ("" when there is none).
std::string branch_of_issue_7(const CompatRepo& repo) { return repo.git("branch --list 'fanout/7-*' --format='%(refname:short)'"); }

} // namespace

TEST_CASE("git compat: fanout clean keeps a locked worktree, as git worktree remove -f does", "[workspace][git-compat]") {
  CompatRepo repo;
  const fs::path worktree = up(repo);
  repo.git("worktree lock --reason 'on a removable disk' .fanout/worktrees/7");
  // The oracle: git keeps it, even when forced once.
  const auto git_remove = sh(repo.env() + "git worktree remove -f .fanout/worktrees/7", repo.root());
  REQUIRE(git_remove.rc != 0);
  REQUIRE(git_remove.out.find("locked") != std::string::npos);

  SECTION("plain clean") {
    const auto clean = repo.fanout("clean 7");
    INFO(clean.out);
    CHECK(clean.rc == 1);
    CHECK(clean.out.find("locked") != std::string::npos);
  }
  SECTION("clean --force") {
    const auto clean = repo.fanout("clean --force 7");
    INFO(clean.out);
    CHECK(clean.rc == 1);
    CHECK(clean.out.find("locked") != std::string::npos);
  }
  CHECK(fs::exists(worktree / "README.md"));
  CHECK(repo.git("worktree list --porcelain").find("locked on a removable disk") != std::string::npos);
  CHECK(branch_of_issue_7(repo) != "");
  const auto doctor = repo.fanout("doctor");
  INFO(doctor.out);
  CHECK(doctor.out.find("worktree remove") == std::string::npos);
  CHECK(doctor.out.find("prune") == std::string::npos);
}

TEST_CASE("git compat: fanout clean and doctor never prune a moved worktree, staged work included",
          "[workspace][git-compat]") {
  CompatRepo repo;
  const fs::path worktree = up(repo);
  sh("echo staged > staged.txt && git add staged.txt", worktree);
  const fs::path moved = repo.home() / "moved-7";
  repo.git("worktree move .fanout/worktrees/7 '" + moved.string() + "'");

  const auto doctor = repo.fanout("doctor");
  INFO(doctor.out);
  CHECK(doctor.out.find("prune") == std::string::npos);
  const auto clean = repo.fanout("clean 7");
  INFO(clean.out);
  CHECK(clean.rc == 1); // kept: it holds uncommitted work
  CHECK(sh(repo.env() + "git status --porcelain", moved).out == "A  staged.txt\n");
  CHECK(repo.git("worktree list --porcelain").find("worktree " + moved.string() + "\n") != std::string::npos);
  CHECK(branch_of_issue_7(repo) != "");
  // What git itself then does with it is unchanged: a prune keeps it.
  repo.git("worktree prune");
  CHECK(repo.git("worktree list --porcelain").find("worktree " + moved.string() + "\n") != std::string::npos);
}

TEST_CASE("git compat: fanout clean removes a worktree that git status calls clean, filters and binaries included",
          "[workspace][git-compat]") {
  CompatRepo repo;
  repo.git("config filter.rot13.smudge 'tr A-Za-z N-ZA-Mn-za-m'");
  repo.git("config filter.rot13.clean 'tr A-Za-z N-ZA-Mn-za-m'");
  repo.write(".gitattributes", "*.secret filter=rot13\n*.txt eol=crlf\n*.png binary\n");
  repo.write("keys.secret", "token = abc\n");
  repo.write("notes.txt", "one\ntwo\n");
  repo.write("logo.png", std::string("\x89PNG\r\n\x1a\n\0\0", 10));
  repo.commit();
  const fs::path worktree = up(repo);
  REQUIRE(sh(repo.env() + "git status --porcelain", worktree).out == "");
  const auto clean = repo.fanout("clean 7");
  INFO(clean.out);
  CHECK(clean.rc == 0);
  CHECK(!fs::exists(worktree));
}

TEST_CASE("git compat: fanout clean keeps a worktree whose binary file was emptied, as git status shows it",
          "[workspace][git-compat]") {
  CompatRepo repo; // the issue: an emptied binary counted as unmodified and the worktree was deleted
  repo.write(".gitattributes", "*.md text\n");
  repo.write("blob.bin", std::string("a\0b", 3));
  repo.commit();
  const fs::path worktree = up(repo);
  sh(": > blob.bin", worktree);
  REQUIRE(sh(repo.env() + "git status --porcelain", worktree).out == " M blob.bin\n");
  const auto clean = repo.fanout("clean 7");
  INFO(clean.out);
  CHECK(clean.rc == 1);
  CHECK(clean.out.find("blob.bin") != std::string::npos);
  CHECK(read_file(worktree / "blob.bin") == "");
}
