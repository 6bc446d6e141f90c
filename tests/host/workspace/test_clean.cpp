#include "host/workspace/doctor.hpp"
#include "host/util/error.hpp"
#include "host/git/repo.hpp"
#include "host/workspace/store.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// Nothing of any workspace is left: no linked worktree, no fanout branch, no row, no lease.
void check_nothing_left(const TempRepo& repo) {
  CHECK(repo.git("worktree list --porcelain").find(".fanout/worktrees") == std::string::npos);
  CHECK(repo.git("branch --list fanout/*") == "");
  CHECK(sh("git config --get-regexp fanoutissue", repo.root()).out == ""); // branch owners went with them
  WorkspaceStore store(repo.root());
  CHECK(store.all().empty());
  CHECK(all_leases(store.db()).empty());
  CHECK(fs::is_empty(repo.root() / ".fanout/worktrees"));
}

/// A pid that certainly belongs to no process: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

} // namespace

TEST_CASE_METHOD(BranchedRepo, "workspace clean: removes worktree, merged branch, database branch and lease",
                 "[workspace][clean]") {
  auto ws = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(ws.ok());
  CHECK(brancher.branches.size() == 1);
  CHECK(manager.env("7")->at("DATABASE_URL") == brancher.branches.begin()->second);

  const auto dry = value_or_throw(manager.clean("7", {.dry_run = true}, cancel));
  CHECK(dry.removed == std::vector<std::string>{"would remove worktree .fanout/worktrees/7",
                                                "would delete branch \"fanout/7-fix-it\"",
                                                "would remove database branch \"" + ws->record.db_branch + "\"",
                                                "would release ports"});
  CHECK(fs::exists(ws->record.path));

  const auto report = value_or_throw(manager.clean("7", {}, cancel));
  CHECK(report.complete);
  CHECK(report.kept.empty());
  CHECK(brancher.branches.empty());
  check_nothing_left(repo);
}

TEST_CASE_METHOD(ManagedRepo, "workspace clean: uncommitted work is kept without --force", "[workspace][clean]") {
  auto ws = manager.up(issue("7"), cancel);
  REQUIRE(ws.ok());
  sh("echo changed >> README.md && echo new > new.txt", ws->record.path);

  const auto kept = value_or_throw(manager.clean("7", {}, cancel));
  CHECK_FALSE(kept.complete);
  CHECK(kept.removed.empty());
  CHECK(kept.kept == std::vector<std::string>{"kept .fanout/worktrees/7: 2 uncommitted changes, e.g. README.md, new.txt (use --force to delete)"});
  CHECK(fs::exists(ws->record.path / "new.txt"));
  CHECK(manager.find("7"));

  const auto forced = value_or_throw(manager.clean("7", {.force = true}, cancel));
  CHECK(forced.complete);
  check_nothing_left(repo);
}

TEST_CASE_METHOD(ManagedRepo, "workspace clean: an unmerged branch is kept unless forced", "[workspace][clean]") {
  auto ws = manager.up(issue("8", "Work"), cancel);
  REQUIRE(ws.ok());
  REQUIRE(sh("echo x > work.txt && git add work.txt && git -c user.name=t -c user.email=t@t commit -q -m work",
             ws->record.path).rc == 0);
  CHECK(value_or_throw(manager.merged_keys()).empty());

  const auto report = value_or_throw(manager.clean("8", {}, cancel));
  CHECK(report.complete);
  CHECK(report.kept == std::vector<std::string>{"kept branch \"fanout/8-work\": not merged into \"main\" (use --force to delete)"});
  CHECK(repo.git("branch --list fanout/*") == "  fanout/8-work\n");

  SECTION("merged later: --merged finds nothing recorded, the branch stays the user's") {
    repo.git("merge -q --ff-only fanout/8-work");
    CHECK(value_or_throw(manager.merged_keys()).empty());
  }
}

TEST_CASE_METHOD(ManagedRepo, "workspace clean: --merged picks workspaces whose own commits are in the base",
                 "[workspace][clean]") {
  auto fresh = manager.up(issue("1"), cancel); // no commits of its own: nothing merged
  auto merged = manager.up(issue("2"), cancel);
  auto open = manager.up(issue("3"), cancel);
  REQUIRE(fresh.ok());
  REQUIRE(merged.ok());
  REQUIRE(open.ok());
  CHECK(fresh->record.start_commit + "\n" == repo.git("rev-parse main"));
  CHECK(value_or_throw(manager.merged_keys()).empty());
  commit_file(merged->record.path, "merged.txt");
  commit_file(open->record.path, "open.txt");
  CHECK(value_or_throw(manager.merged_keys()).empty());
  repo.git("merge -q --ff-only fanout/2-add-a-thing");
  CHECK(value_or_throw(manager.merged_keys()) == std::vector<std::string>{"2"});

  SECTION("clean removes the merged one, with its branch") {
    CHECK(value_or_throw(manager.clean("2", {}, cancel)).removed ==
          std::vector<std::string>{"removed worktree .fanout/worktrees/2", "deleted branch \"fanout/2-add-a-thing\"",
                                   "released ports"});
    CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == "fanout/1-add-a-thing\nfanout/3-add-a-thing\n");
    CHECK(value_or_throw(manager.merged_keys()).empty());
  }
  SECTION("a state file from before start commits: migrated, the reflog stands in") {
    {
      state::StateDb db(state::StateDb::path_for(repo.root()));
      db.execute("ALTER TABLE workspaces DROP COLUMN start_commit");
      db.execute("UPDATE schema_versions SET version = 1 WHERE component = 'workspaces'");
    }
    WorkspaceStore store(repo.root());
    REQUIRE(store.find("1"));
    CHECK(store.find("1")->start_commit == "");
    CHECK(value_or_throw(manager.merged_keys()) == std::vector<std::string>{"2"});
  }
}

TEST_CASE_METHOD(ManagedRepo,
                 "workspace clean: --force with no record deletes the branch an earlier clean kept, only that key's",
                 "[workspace][clean]") {
  for (const char* key : {"1", "12", "1-2"}) {
    auto ws = manager.up(issue(key, "Work"), cancel);
    REQUIRE(ws.ok());
    commit_file(ws->record.path, "work.txt");
    REQUIRE(value_or_throw(manager.clean(key, {}, cancel)).kept ==
            std::vector<std::string>{"kept branch \"" + ws->record.branch + "\": not merged into \"main\" (use --force to delete)"});
  }
  repo.git("branch fanout/1-mine"); // by hand: no issue recorded
  const std::string all = "fanout/1-2-work\nfanout/1-mine\nfanout/1-work\nfanout/12-work\n";
  REQUIRE(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == all);

  const auto again = value_or_throw(manager.clean("1", {}, cancel));
  CHECK(again.removed.empty());
  CHECK(again.kept == std::vector<std::string>{"kept branch \"fanout/1-work\" (use --force to delete)"});
  const auto dry = value_or_throw(manager.clean("1", {.force = true, .dry_run = true}, cancel));
  CHECK(dry.removed == std::vector<std::string>{"would delete branch \"fanout/1-work\""});
  CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == all);

  const auto forced = value_or_throw(manager.clean("1", {.force = true}, cancel));
  CHECK(forced.complete);
  CHECK(forced.kept.empty());
  CHECK(forced.removed == std::vector<std::string>{"deleted branch \"fanout/1-work\""});
  CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == "fanout/1-2-work\nfanout/1-mine\nfanout/12-work\n");
  CHECK(sh("git config --get branch.fanout/1-work.fanoutIssue", repo.root()).rc == 1);
  CHECK(value_or_throw(manager.clean("1", {.force = true}, cancel)).removed.empty());
}

TEST_CASE_METHOD(BranchedRepo, "workspace clean: after a crash mid-up, doctor reports it and clean leaves nothing",
                 "[workspace][clean]") {
  REQUIRE(manager.up(issue("5", "Half"), cancel).ok());
  {
    // What a kill leaves behind: a `creating` row owned by a dead process, some files.
    WorkspaceStore store(repo.root());
    auto record = *store.find("5");
    record.state = State::creating;
    record.pid = dead_pid();
    store.save(record);
  }
  const auto findings = value_or_throw(doctor(manager, &brancher, {}, cancel));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].problem.find("workspace \"5\" was left half-made by process ") == 0);
  CHECK(findings[0].fix == "fanout up 5  (or: fanout clean 5)");

  SECTION("up finishes it") {
    auto again = manager.up(issue("5", "Half"), cancel);
    REQUIRE(again.ok());
    CHECK(again->record.state == State::ready);
    CHECK(value_or_throw(doctor(manager, &brancher, {}, cancel)).empty());
  }
  SECTION("clean removes it") {
    CHECK(value_or_throw(manager.clean("5", {}, cancel)).complete);
    check_nothing_left(repo);
    CHECK(brancher.branches.empty());
  }
}

TEST_CASE_METHOD(ManagedRepo, "workspace clean: a live creator's workspace is left alone", "[workspace][clean]") {
  REQUIRE(manager.up(issue("3"), cancel).ok());
  WorkspaceStore store(repo.root());
  auto record = *store.find("3");
  record.state = State::creating;
  record.pid = ::getppid(); // alive, and not us
  store.save(record);
  const auto report = value_or_throw(manager.clean("3", {}, cancel));
  CHECK(report.kept == std::vector<std::string>{"kept .fanout/worktrees/3: process " + std::to_string(record.pid) +
                                                " is working on it"});
  auto up = manager.up(issue("3"), cancel);
  REQUIRE_FALSE(up.ok());
  CHECK(up.failure().message == "issue \"3\": workspace is being created by process " + std::to_string(record.pid));
}

TEST_CASE("workspace doctor: finds orphans of every kind, each with its fix", "[workspace][doctor]") {
  TempRepo repo;
  FakeBrancher brancher;
  auto settings = repo.settings();
  WorkspaceManager manager(settings, &brancher, nullptr);
  sdk::CancelToken cancel;
  CHECK(value_or_throw(doctor(manager, &brancher, {{"git", "sudo apt-get install git"}}, cancel)).empty());

  REQUIRE(manager.up(issue("1"), cancel).ok());
  REQUIRE(manager.up(issue("2"), cancel).ok());
  repo.git("worktree add -q .fanout/worktrees/stray -b stray");
  brancher.branches["fanout_old_1234"] = "sqlite:///x";
  {
    WorkspaceStore store(repo.root());
    store.remove("1"); // lease and worktree of "1" are now orphans
  }
  fs::remove_all(repo.root() / ".fanout/worktrees/2");

  const auto findings = value_or_throw(doctor(manager, &brancher, {{"no-such-tool-xyz", "npm install -g no-such-tool-xyz"}}, cancel));
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& f : findings) got.emplace_back(f.problem, f.fix);
  using P = std::pair<std::string, std::string>;
  CHECK(got == std::vector<P>{
                   P{"worktree .fanout/worktrees/1 has no workspace record", "git worktree remove --force .fanout/worktrees/1"},
                   P{"worktree \"2\" is registered but .fanout/worktrees/2 is gone", "git worktree prune"},
                   P{"worktree .fanout/worktrees/stray has no workspace record",
                     "git worktree remove --force .fanout/worktrees/stray"},
                   P{"workspace \"2\" has no worktree at .fanout/worktrees/2", "fanout clean 2"},
                   P{"ports " + std::to_string(find_lease(WorkspaceStore(repo.root()).db(), "1")->first) + "-" +
                         std::to_string(find_lease(WorkspaceStore(repo.root()).db(), "1")->first + 9) +
                         " are leased to \"1\", which has no workspace",
                     "fanout clean 1"},
                   P{"database branch \"fanout_old_1234\" has no workspace", "fanout clean --orphans"},
                   P{"\"no-such-tool-xyz\" is not on PATH", "npm install -g no-such-tool-xyz"}});

  // The fixes work.
  CHECK(value_or_throw(manager.clean("1", {}, cancel)).complete);
  CHECK(value_or_throw(manager.clean("2", {}, cancel)).complete);
  repo.git("worktree remove --force .fanout/worktrees/stray");
  const auto orphans = value_or_throw(manager.clean_orphans({}, cancel));
  CHECK(orphans.removed == std::vector<std::string>{"removed database branch \"fanout_old_1234\""});
  CHECK(value_or_throw(doctor(manager, &brancher, {}, cancel)).empty());
}
