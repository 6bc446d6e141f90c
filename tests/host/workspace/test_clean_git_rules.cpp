// clean and doctor follow git's rules for worktrees: a locked worktree stays (as `git worktree
// remove -f` refuses it), a moved one is found where git says it is, and a branch checked out
// somewhere is not deleted.
#include "host/workspace/doctor.hpp"
#include "host/util/error.hpp"
#include "host/workspace/store.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

constexpr auto npos = std::string::npos;

/// The problems and fixes doctor finds, as "problem\n  fix: fix\n" lines.
std::string doctor_text(WorkspaceManager& manager) {
  sdk::CancelToken cancel;
  std::string out;
  for (const auto& finding : value_or_throw(doctor(manager, nullptr, {}, cancel))) out += finding.problem + "\n  fix: " + finding.fix + "\n";
  return out;
}

} // namespace

TEST_CASE_METHOD(ManagedRepo,
                 "workspace clean: a locked worktree is kept, with --force too, and doctor says how to unlock it",
                 "[workspace][clean][git]") {
  auto ws = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(ws.ok());
  repo.git("worktree lock --reason 'on a usb disk' .fanout/worktrees/7");
  const std::string kept = "kept .fanout/worktrees/7: locked by \"git worktree lock\" (reason: \"on a usb disk\") (run "
                           "\"git worktree unlock .fanout/worktrees/7\" to let clean remove it)";

  for (const bool force : {false, true}) {
    const auto report = value_or_throw(manager.clean("7", {.force = force}, cancel));
    CHECK(report.kept == std::vector<std::string>{kept});
    CHECK(report.removed.empty());
    CHECK_FALSE(report.complete);
  }
  CHECK(fs::exists(ws->record.path / "README.md"));
  CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == "fanout/7-fix-it\n");
  CHECK(manager.find("7"));

  SECTION("a failed workspace's fix unlocks first") {
    WorkspaceStore(repo.root()).set_state("7", State::failed, "boom");
    const std::string text = doctor_text(manager);
    CHECK(text.find("workspace \"7\" failed: boom; its worktree is locked by \"git worktree lock\" (reason: \"on a usb "
                    "disk\")\n  fix: fanout up 7  (or: git worktree unlock .fanout/worktrees/7 && fanout clean 7)\n") !=
          npos);
    CHECK(sh("git worktree unlock .fanout/worktrees/7", repo.root()).rc == 0);
    CHECK(value_or_throw(manager.clean("7", {}, cancel)).complete);
    CHECK_FALSE(fs::exists(ws->record.path));
  }
  SECTION("without a lock reason") {
    repo.git("worktree unlock .fanout/worktrees/7");
    repo.git("worktree lock .fanout/worktrees/7");
    CHECK(value_or_throw(manager.clean("7", {}, cancel)).kept ==
          std::vector<std::string>{"kept .fanout/worktrees/7: locked by \"git worktree lock\" (run \"git worktree unlock "
                                   ".fanout/worktrees/7\" to let clean remove it)"});
  }
}

TEST_CASE_METHOD(CliRepo, "fanout clean: a locked worktree is kept and the output says so",
                 "[workspace][clean][git][cli]") {
  REQUIRE(fanout_cli(repo, "up 7").rc == 0);
  repo.git("worktree lock --reason 'keep me' .fanout/worktrees/7");
  const auto clean = fanout_cli(repo, "clean 7 --force");
  INFO(clean.out);
  CHECK(clean.out.find("7: kept .fanout/worktrees/7: locked by \"git worktree lock\" (reason: \"keep me\") (run \"git "
                       "worktree unlock .fanout/worktrees/7\" to let clean remove it)\n") != npos);
  CHECK(fs::exists(repo.root() / ".fanout/worktrees/7/README.md"));
}

TEST_CASE_METHOD(ManagedRepo, "workspace clean: a worktree moved with git worktree move is found where git says it is",
                 "[workspace][clean][git]") {
  auto ws = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(ws.ok());
  const fs::path moved = repo.root().string() + "-moved-7";
  repo.git("worktree move .fanout/worktrees/7 " + moved.string());
  REQUIRE(sh("echo staged > staged.txt && git add staged.txt", moved).rc == 0);

  // Every reader follows it: find, env, doctor (no "has no worktree" finding).
  CHECK(manager.find("7")->record.path == moved);
  CHECK(manager.env("7")->at("FANOUT_WORKSPACE") == moved.string());
  CHECK(doctor_text(manager).find("\"7\"") == npos);
  const auto again = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(again.ok());
  CHECK(again->existed);
  CHECK(again->record.path == moved);

  // Its staged work keeps it: nothing pruned, the branch stays.
  const auto kept = value_or_throw(manager.clean("7", {}, cancel));
  CHECK(kept.kept == std::vector<std::string>{"kept " + moved.string() +
                                              ": 1 uncommitted change, e.g. staged.txt (use --force to delete)"});
  CHECK(fs::exists(repo.root() / ".git/worktrees/7/index"));
  CHECK(sh("git diff --cached --name-only", moved).out == "staged.txt\n");
  CHECK(repo.git("branch --list fanout/*").find("fanout/7-fix-it") != npos);

  SECTION("committed and merged, a plain clean removes it there, then its branch") {
    REQUIRE(sh("git commit -q -m staged", moved).rc == 0);
    repo.git("merge -q --ff-only fanout/7-fix-it");
    const auto report = value_or_throw(manager.clean("7", {}, cancel));
    CHECK(report.kept.empty());
    CHECK(report.removed ==
          std::vector<std::string>{"removed worktree " + moved.string(), "deleted branch \"fanout/7-fix-it\"", "released ports"});
    CHECK_FALSE(fs::exists(moved));
    CHECK_FALSE(fs::exists(repo.root() / ".git/worktrees/7"));
  }
  SECTION("--force removes it there") {
    CHECK(value_or_throw(manager.clean("7", {.force = true}, cancel)).complete);
    CHECK_FALSE(fs::exists(moved));
    CHECK(repo.git("worktree list --porcelain").find(moved.string()) == npos);
    CHECK(repo.git("branch --list fanout/*") == "");
  }
}

TEST_CASE_METHOD(ManagedRepo, "workspace clean: a branch checked out elsewhere is not deleted",
                 "[workspace][clean][git]") {
  auto ws = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(ws.ok());
  // The user switches the workspace to another branch and checks the workspace's out at home.
  REQUIRE(sh("git switch -q -c elsewhere", ws->record.path).rc == 0);
  repo.git("switch -q fanout/7-fix-it");
  const auto report = value_or_throw(manager.clean("7", {.force = true}, cancel));
  CHECK(report.kept == std::vector<std::string>{"kept branch \"fanout/7-fix-it\": checked out in the main checkout"});
  CHECK(repo.git("branch --show-current") == "fanout/7-fix-it\n");
}

TEST_CASE("workspace doctor: locked worktrees get git's treatment", "[workspace][doctor][git]") {
  TempRepo repo;
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  repo.git("worktree add -q -b stray .fanout/worktrees/9");
  repo.git("worktree lock --reason 'mine' .fanout/worktrees/9");
  const fs::path gone = repo.root().string() + "-on-usb";
  repo.git("worktree add -q -b usb " + gone.string());
  repo.git("worktree lock " + gone.string());
  fs::remove_all(gone);

  // An orphan under the root is removed after unlocking it; a locked worktree whose folder
  // is gone is kept by `git worktree prune`, so it is no finding.
  CHECK(doctor_text(manager) ==
        "worktree .fanout/worktrees/9 has no workspace record and is locked by \"git worktree lock\" (reason: \"mine\")\n"
        "  fix: git worktree unlock .fanout/worktrees/9 && git worktree remove --force .fanout/worktrees/9\n");
  CHECK(sh("git worktree unlock .fanout/worktrees/9 && git worktree remove --force .fanout/worktrees/9", repo.root()).rc == 0);
  CHECK(doctor_text(manager) == "");
}

TEST_CASE_METHOD(ManagedRepo,
                 "workspace clean: a worktree made by hand for the workspace's branch is never taken for it",
                 "[workspace][clean][git]") {
  auto ws = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(ws.ok());
  repo.git("worktree remove .fanout/worktrees/7");
  const fs::path mine = repo.root().string() + "-mine";
  repo.git("worktree add -q " + mine.string() + " fanout/7-fix-it");

  CHECK(manager.find("7")->record.path == ws->record.path);
  const auto report = value_or_throw(manager.clean("7", {.force = true}, cancel));
  CHECK(report.kept == std::vector<std::string>{"kept branch \"fanout/7-fix-it\": checked out in " + mine.string()});
  CHECK(fs::exists(mine / "README.md"));
  CHECK(repo.git("worktree list --porcelain").find("worktree " + mine.string() + "\n") != npos);
  fs::remove_all(mine);
}
