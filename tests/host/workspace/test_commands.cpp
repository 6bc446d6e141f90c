// The workspace commands end to end: the built fanout binary on real repositories.
#include "host/workspace/store.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

using namespace fanout;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

void write_config(const TempRepo& repo, const std::string& extra = "") {
  repo.write("fanout.toml", "[ports]\nbase = " + std::to_string(test::test_port_base()) +
                                "\nspan = 100\n" + extra);
  repo.write(".xdg/fanout/config.toml", "[trust]\nrepos = [\"" + repo.root().string() + "\"]\n");
  for (const char* key : {"a", "b", "c", "d", "e", "f"})
    repo.write(std::string(".fanout/issues/") + key + ".md", std::string("---\ntitle: Issue ") + key + "\n---\n");
  repo.write(".fanout/issues/7.md", "---\ntitle: Add the login page\n---\nBody.\n");
  repo.write(".fanout/issues/8.md", "---\ntitle: Fix crème brûlée\n---\nBody.\n");
}

/// For TEST_CASE_METHOD: a fresh TempRepo with write_config's files; the test body sees `repo`.
struct ConfiguredRepo {
  TempRepo repo;
  ConfiguredRepo() { write_config(repo); }
};

} // namespace

TEST_CASE_METHOD(ConfiguredRepo, "fanout up/ls/exec/clean: a workspace from the command line", "[workspace][cli]") {
  const auto up = fanout_cli(repo, "up 7 8");
  INFO(up.out);
  REQUIRE(up.rc == 0);
  CHECK(up.out.find("7: worktree") != std::string::npos);
  CHECK(up.out.find("fanout/7-add-the-login-page") != std::string::npos);
  CHECK(up.out.find("fanout/8-fix-creme-brulee") != std::string::npos);
  CHECK(repo.git("worktree list").find(".fanout/worktrees/8") != std::string::npos);

  const auto ls = fanout_cli(repo, "ls --json");
  REQUIRE(ls.rc == 0);
  const auto json = nlohmann::json::parse(ls.out);
  REQUIRE(json.size() == 2);
  CHECK(json[0]["issue"] == "7");
  CHECK(json[0]["branch"] == "fanout/7-add-the-login-page");
  CHECK(json[0]["path"] == (repo.root() / ".fanout/worktrees/7").string());
  CHECK(json[0]["ports"].size() == 10);
  CHECK(json[0]["ports"][1].get<int>() == json[0]["ports"][0].get<int>() + 1);
  CHECK(json[0]["database"] == nlohmann::json{{"brancher", nullptr}, {"url", nullptr}});
  CHECK(json[0]["state"] == "ready");

  const auto exec = fanout_cli(repo, "exec 7 -- sh -c 'echo $PORT $FANOUT_ISSUE $(pwd); exit 7'");
  CHECK(exec.rc == 7);
  CHECK(exec.out == std::to_string(json[0]["ports"][0].get<int>()) + " 7 " + (repo.root() / ".fanout/worktrees/7").string() + "\n");
  const auto missing = fanout_cli(repo, "exec 9 -- true");
  CHECK(missing.rc == 1);
  CHECK(missing.out == "fanout: error: no workspace for issue \"9\" (run \"fanout up 9\")\n");

  sh("echo wip > wip.txt", repo.root() / ".fanout/worktrees/7");
  const auto kept = fanout_cli(repo, "clean 7 8");
  CHECK(kept.rc == 1);
  CHECK(kept.out.find("7: kept .fanout/worktrees/7: 1 uncommitted change, e.g. wip.txt (use --force to delete)\n") != std::string::npos);
  CHECK(kept.out.find("8: removed worktree .fanout/worktrees/8\n") != std::string::npos);
  CHECK(fs::exists(repo.root() / ".fanout/worktrees/7/wip.txt"));

  const auto forced = fanout_cli(repo, "clean --all --force");
  CHECK(forced.rc == 0);
  CHECK(repo.git("worktree list --porcelain").find(".fanout") == std::string::npos);
  CHECK(repo.git("branch --list fanout/*") == "");
  CHECK(fanout_cli(repo, "ls").out == "no workspaces (make one with \"fanout up ISSUE\")\n");
  CHECK(fanout_cli(repo, "doctor").out == "nothing to fix\n");
}

TEST_CASE_METHOD(ConfiguredRepo, "fanout ls: database URLs are printed with the password masked", "[workspace][cli]") {
  REQUIRE(fanout_cli(repo, "up 7").rc == 0);
  {
    workspace::WorkspaceStore store(repo.root());
    auto record = *store.find("7");
    record.brancher = "postgres";
    record.db_url = "postgres://app:hunter2@127.0.0.1:5432/fanout_7";
    store.save(record);
  }
  const auto ls = fanout_cli(repo, "ls --json");
  CHECK(ls.out.find("hunter2") == std::string::npos);
  CHECK(nlohmann::json::parse(ls.out)[0]["database"] ==
        nlohmann::json{{"brancher", "postgres"}, {"url", "postgres://app:***@127.0.0.1:5432/fanout_7"}});
  CHECK(fanout_cli(repo, "ls").out.find("postgres://app:***@127.0.0.1:5432/fanout_7") != std::string::npos);
}

TEST_CASE_METHOD(ConfiguredRepo, "fanout up: two processes at once get disjoint ports", "[workspace][cli]") {
  const std::string env = "XDG_CONFIG_HOME='" + (repo.root() / ".xdg").string() + "' ";
  const auto both = sh(env + "'" + test::fanout_executable().string() + "' -q up a b c > one.log 2>&1 & " + env + "'" +
                           test::fanout_executable().string() + "' -q up d e f > two.log 2>&1; wait",
                       repo.root());
  INFO(read_file(repo.root() / "one.log") << read_file(repo.root() / "two.log"));
  CHECK(both.rc == 0);
  workspace::WorkspaceStore store(repo.root());
  const auto leases = workspace::all_leases(store.db());
  REQUIRE(leases.size() == 6);
  std::set<int> ports;
  for (const auto& [key, block] : leases)
    for (int p : block.ports()) CHECK(ports.insert(p).second);
  for (const auto& record : store.all()) CHECK(record.state == workspace::State::ready);
}

TEST_CASE("fanout clean: after fanout is killed mid-up, nothing is left behind", "[workspace][cli]") {
  TempRepo repo;
  write_config(repo, "\n[workspace]\nsetup = [\"echo $$ > setup.pid; exec sleep 60\"]\n");
  const pid_t child = ::fork();
  if (child == 0) {
    ::setenv("XDG_CONFIG_HOME", (repo.root() / ".xdg").c_str(), 1);
    if (::chdir(repo.root().c_str()) != 0) ::_exit(126);
    ::execl(test::fanout_executable().c_str(), "fanout", "-q", "up", "7", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const fs::path pid_file = repo.root() / ".fanout/worktrees/7/setup.pid";
  test::wait_for_content(pid_file, std::chrono::seconds(30));
  REQUIRE_FALSE(read_file(pid_file).empty());
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::kill(std::stoi(read_file(pid_file)), SIGKILL); // the setup command fanout can no longer stop

  const auto doctor = fanout_cli(repo, "doctor");
  CHECK(doctor.rc == 1);
  CHECK(doctor.out.find("workspace \"7\" was left half-made by process " + std::to_string(child) + ", which is gone\n"
                        "  fix: fanout up 7  (or: fanout clean 7)\n") != std::string::npos);
  const auto clean = fanout_cli(repo, "clean 7");
  INFO(clean.out);
  CHECK(clean.rc == 0);
  CHECK(repo.git("worktree list --porcelain").find(".fanout") == std::string::npos);
  CHECK(repo.git("branch --list fanout/*") == "");
  workspace::WorkspaceStore store(repo.root());
  CHECK(store.all().empty());
  CHECK(workspace::all_leases(store.db()).empty());
  CHECK(fanout_cli(repo, "doctor").out == "nothing to fix\n");
}

TEST_CASE_METHOD(ConfiguredRepo, "fanout clean: needs keys, --merged or --all", "[workspace][cli]") {
  const auto result = fanout_cli(repo, "clean");
  CHECK(result.rc == 2);
  CHECK(result.out == "fanout: error: clean: give issue keys, --merged or --all (one of them)\n");
}

TEST_CASE_METHOD(ConfiguredRepo,
                 "fanout clean --merged: removes a workspace whose commits were merged, keeps a new one",
                 "[workspace][cli]") {
  REQUIRE(fanout_cli(repo, "-q up 7 8").rc == 0);
  commit_file(repo.root() / ".fanout/worktrees/8", "fix.txt");
  repo.git("merge -q --ff-only fanout/8-fix-creme-brulee");

  const auto dry = fanout_cli(repo, "clean --merged --dry-run");
  CHECK(dry.rc == 0);
  CHECK(dry.out == "8: would remove worktree .fanout/worktrees/8\n"
                   "8: would delete branch \"fanout/8-fix-creme-brulee\"\n"
                   "8: would release ports\n");
  const auto dry_new = fanout_cli(repo, "clean 7 --dry-run");
  CHECK(dry_new.rc == 0);
  CHECK(dry_new.out == "7: would remove worktree .fanout/worktrees/7\n"
                       "7: would delete branch \"fanout/7-add-the-login-page\"\n"
                       "7: would release ports\n");
  CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") ==
        "fanout/7-add-the-login-page\nfanout/8-fix-creme-brulee\n");

  const auto merged = fanout_cli(repo, "clean --merged");
  CHECK(merged.rc == 0);
  CHECK(merged.out == "8: removed worktree .fanout/worktrees/8\n"
                      "8: deleted branch \"fanout/8-fix-creme-brulee\"\n"
                      "8: released ports\n");
  CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == "fanout/7-add-the-login-page\n");
  CHECK(test::table_row(fanout_cli(repo, "ls").out, "7").rfind("7 ready fanout/7-add-the-login-page ", 0) == 0);
  CHECK(fanout_cli(repo, "clean --merged").out == "nothing to clean\n");
}

TEST_CASE_METHOD(ConfiguredRepo, "fanout clean: a kept branch is deleted by the command its message suggests",
                 "[workspace][cli]") {
  REQUIRE(fanout_cli(repo, "-q up 7").rc == 0);
  commit_file(repo.root() / ".fanout/worktrees/7", "login.txt");

  const auto kept = fanout_cli(repo, "clean 7");
  CHECK(kept.rc == 0);
  CHECK(kept.out == "7: removed worktree .fanout/worktrees/7\n"
                    "7: released ports\n"
                    "7: kept branch \"fanout/7-add-the-login-page\": not merged into \"main\" (use --force to delete)\n");
  CHECK(repo.git("branch --list 'fanout/*'") == "  fanout/7-add-the-login-page\n");
  const auto again = fanout_cli(repo, "clean 7");
  CHECK(again.rc == 0);
  CHECK(again.out == "7: kept branch \"fanout/7-add-the-login-page\" (use --force to delete)\n");

  const auto forced = fanout_cli(repo, "clean 7 --force");
  CHECK(forced.rc == 0);
  CHECK(forced.out == "7: deleted branch \"fanout/7-add-the-login-page\"\n");
  CHECK(repo.git("branch --list 'fanout/*'") == "");
  CHECK(fanout_cli(repo, "clean 7 --force").out == "7: nothing to clean\n");
}

TEST_CASE("fanout clean: runs on a full disk and frees it", "[workspace][cli]") {
  // A small tmpfs of its own, mounted in a user and mount namespace (no root needed).
  const auto probe = sh("unshare --user --map-root-user --mount true");
  INFO("needs unshare with unprivileged user namespaces: " << probe.out);
  REQUIRE(probe.rc == 0);
  const fs::path base = fs::temp_directory_path() / ("fanout-full-" + std::to_string(::getpid()));
  fs::create_directories(base);
  const std::string script =
      "set -e; mount -t tmpfs -o size=4m tmpfs '" + base.string() + "'; cd '" + base.string() + "'; "
      "git init -q -b main r; cd r; git -c user.name=t -c user.email=t@t commit -q --allow-empty -m init; "
      "mkdir -p .fanout/issues; printf -- '---\\ntitle: Seven\\n---\\nx\\n' > .fanout/issues/7.md; "
      "printf '[ports]\\nbase = " + std::to_string(test::test_port_base()) + "\\nspan = 10\\n' > fanout.toml; "
      "export XDG_CONFIG_HOME='" + base.string() + "/xdg'; '" + test::fanout_executable().string() + "' -q up 7; "
      "dd if=/dev/zero of=../fill bs=64k 2>/dev/null || true; test \"$(df --output=avail . | tail -1)\" -lt 64; "
      "'" + test::fanout_executable().string() + "' clean 7; echo \"clean rc=$?\"; "
      "test ! -e .fanout/worktrees/7 && echo 'worktree gone'; "
      "'" + test::fanout_executable().string() + "' ls";
  const fs::path script_file = base.string() + ".sh";
  { std::ofstream(script_file) << script << "\n"; }
  const auto ran = sh("unshare --user --map-root-user --mount sh '" + script_file.string() + "'");
  fs::remove(script_file);
  INFO(ran.out);
  CHECK(ran.out.find("7: removed worktree .fanout/worktrees/7") != std::string::npos);
  CHECK(ran.out.find("clean rc=0") != std::string::npos);
  CHECK(ran.out.find("worktree gone") != std::string::npos);
  CHECK(ran.out.find("no workspaces") != std::string::npos);
  fs::remove_all(base);
}
