// fanout up lets git make the worktree: what git writes (attributes, filters, hooks, sparse
// checkout, its admin folder) is what the workspace gets, and a cancel stops git's process group.
#include "host/workspace/workspace_manager.hpp"
#include "host/util/error.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

using namespace fanout;
using namespace fanout::workspace;
using namespace std::chrono_literals;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// Every file git lists in `worktree`, with its content, as `path\n<bytes>\n` records.
std::string tree_contents(const fs::path& worktree) {
  const auto listed = sh("git ls-files -z | xargs -0 -I{} sh -c 'printf \"%s\\n\" \"$1\"; cat \"$1\"; echo' _ {}",
                         worktree);
  REQUIRE(listed.rc == 0);
  return listed.out;
}

} // namespace

TEST_CASE("workspace up: the worktree is byte for byte what git worktree add makes", "[workspace][git]") {
  std::map<std::string, std::string> files{{".gitattributes", "*.txt eol=crlf\n*.up filter=upper\n*.md text\n"},
                                           {"blob.bin", std::string("a\0b\xff\r\n", 6)},
                                           {"shout.up", "quiet words\n"},
                                           {"README.md", "read me\n"}};
  for (int i = 0; i < 100; ++i) files["t/" + std::to_string(i) + ".txt"] = "line\nline\n";
  TempRepo repo(files);
  repo.git("config filter.upper.smudge 'tr a-z A-Z'");
  repo.git("config filter.upper.clean 'tr A-Z a-z'");
  repo.write(".git/hooks/post-checkout", "#!/bin/sh\necho \"$@\" > \"$(git rev-parse --git-dir)/hook-args\"\n");
  fs::permissions(repo.root() / ".git/hooks/post-checkout", fs::perms::owner_exec, fs::perm_options::add);
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;

  auto ws = manager.up(issue("7"), cancel);
  REQUIRE(ws.ok());
  const fs::path path = ws->record.path;
  const fs::path by_git = repo.root().string() + "-by-git";
  repo.git("worktree add -q " + by_git.string() + " " + ws->record.start_commit);
  CHECK(read_file(path / "blob.bin") == files["blob.bin"]);
  CHECK(read_file(path / "shout.up") == "QUIET WORDS\n");
  CHECK(read_file(path / "t/42.txt") == "line\r\nline\r\n");
  CHECK(tree_contents(path) == tree_contents(by_git));
  CHECK(sh("git status --porcelain", path).out == "");

  // git's admin folder, as git makes it; the hook ran there with git's arguments.
  const fs::path admin = repo.root() / ".git/worktrees/7";
  CHECK(read_file(admin / "commondir") == "../..\n");
  CHECK(read_file(admin / "gitdir") == (path / ".git").string() + "\n");
  CHECK(fs::exists(admin / "logs/HEAD"));
  CHECK_FALSE(fs::exists(admin / "locked"));
  CHECK(read_file(admin / "hook-args") == std::string(40, '0') + " " + ws->record.start_commit + " 1\n");
  fs::remove_all(by_git);
}

TEST_CASE("workspace up: sparse checkout is carried from the main checkout as git carries it", "[workspace][git]") {
  TempRepo repo({{"app/main.c", "int main;\n"}, {"docs/guide.md", "guide\n"}, {"top.txt", "top\n"}});
  repo.git("sparse-checkout set app");
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("7"), cancel);
  REQUIRE(ws.ok());
  CHECK(fs::exists(ws->record.path / "app/main.c"));
  CHECK(fs::exists(ws->record.path / "top.txt"));
  CHECK_FALSE(fs::exists(ws->record.path / "docs"));
  CHECK(sh("git sparse-checkout list", ws->record.path).out == "app\n");
  CHECK(sh("git status --porcelain", ws->record.path).out == "");
}

TEST_CASE("workspace up and clean: a 4,069-byte path that git checks out fails neither", "[workspace][git]") {
  std::string long_path;
  while (long_path.size() + 201 < 4069) long_path += std::string(200, 'd') + "/";
  long_path += std::string(4069 - long_path.size(), 'f');
  REQUIRE(long_path.size() == 4069);
  TempRepo repo;
  const auto made = sh("mkdir -p " + fs::path(long_path).parent_path().string() + " && echo deep > " + long_path +
                           " && git add -A && git commit -q -m long",
                       repo.root());
  REQUIRE(made.rc == 0);
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("7"), cancel);
  INFO((ws.ok() ? "" : ws.failure().message));
  REQUIRE(ws.ok());
  CHECK(sh("cat " + long_path, ws->record.path).out == "deep\n");
  CHECK(sh("git status --porcelain", ws->record.path).out == "");

  const auto report = value_or_throw(manager.clean("7", {}, cancel));
  CHECK(report.kept.empty());
  CHECK(report.complete);
  CHECK_FALSE(fs::exists(ws->record.path));
}

TEST_CASE("workspace up: a cancel during git's checkout stops git and its filter, and a later up finishes",
          "[workspace][git]") {
  TempRepo repo({{".gitattributes", "*.slow filter=slow\n"}, {"a.slow", "content\n"}});
  const fs::path pid_file = repo.root().parent_path() / (repo.root().filename().string() + "-filter.pid");
  // The smudge filter is a child of git, in git's process group: it must go with it.
  repo.git("config filter.slow.smudge 'echo $$ > " + pid_file.string() + "; exec sleep 60'");
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  std::thread canceller([&] {
    if (test::wait_for_content(pid_file, 60s)) cancel.cancel();
  });
  auto ws = manager.up(issue("7"), cancel);
  canceller.join();
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message == "issue \"7\": \"git worktree add\" was cancelled");
  const pid_t filter = std::stoi(read_file(pid_file));
  CHECK(test::await_process_gone(filter)); // killed with git's group (a zombie until reaped)
  fs::remove(pid_file);
  // git removed its half-made worktree on SIGTERM, as it does.
  CHECK(repo.git("worktree list --porcelain").find(".fanout") == std::string::npos);
  CHECK(manager.find("7")->record.state == State::failed);

  repo.git("config filter.slow.smudge cat");
  sdk::CancelToken fresh;
  auto again = manager.up(issue("7"), fresh);
  REQUIRE(again.ok());
  CHECK(read_file(again->record.path / "a.slow") == "content\n");
  CHECK(sh("git status --porcelain", again->record.path).out == "");
}

TEST_CASE("workspace up: a worktree git left half-made (killed mid-checkout) is made again", "[workspace][git]") {
  TempRepo repo({{"src/a.txt", "a\n"}, {"src/b.txt", "b\n"}});
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("7"), cancel);
  REQUIRE(ws.ok());
  // What SIGKILL leaves: git's "initializing" lock, no index, part of the files.
  const fs::path admin = repo.root() / ".git/worktrees/7";
  std::ofstream(admin / "locked") << "initializing";
  fs::remove(admin / "index");
  fs::remove(ws->record.path / "src/b.txt");
  WorkspaceStore(repo.root()).set_state("7", State::failed, "killed");

  auto again = manager.up(issue("7"), cancel);
  REQUIRE(again.ok());
  CHECK(read_file(again->record.path / "src/b.txt") == "b\n");
  CHECK_FALSE(fs::exists(admin / "locked"));
  CHECK(sh("git status --porcelain", again->record.path).out == "");
}

TEST_CASE_METHOD(ManagedRepo, "workspace up: git's refusal is the error, with git's message", "[workspace][git]") {
  // A post-checkout hook that fails: git keeps the worktree and fails the add.
  repo.write(".git/hooks/post-checkout", "#!/bin/sh\necho 'hook says no' >&2\nexit 3\n");
  fs::permissions(repo.root() / ".git/hooks/post-checkout", fs::perms::owner_exec, fs::perm_options::add);
  auto ws = manager.up(issue("7"), cancel);
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message == "issue \"7\": \"git worktree add\" failed: hook says no");
  // The checkout itself finished: the next up goes on from there, without running the hook again.
  fs::remove(repo.root() / ".git/hooks/post-checkout");
  auto again = manager.up(issue("7"), cancel);
  REQUIRE(again.ok());
  CHECK(again->record.state == State::ready);
}

TEST_CASE("workspace up: the user's own checkout.workers is git's to read", "[workspace][git]") {
  TempRepo repo;
  // A value git refuses shows that git read the user's setting, not one fanout put over it.
  repo.git("config checkout.workers many");
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("7"), cancel);
  REQUIRE_FALSE(ws.ok());
  CHECK_THAT(ws.failure().message, Catch::StartsWith("issue \"7\": \"git worktree add\" failed: ") &&
                                       Catch::Contains("bad numeric config value 'many' for 'checkout.workers'"));
  repo.git("config checkout.workers 3");
  CHECK(manager.up(issue("7"), cancel).ok());
}

TEST_CASE_METHOD(ManagedRepo,
                 "workspace up and clean: GIT_DIR and GIT_INDEX_FILE of a hook that started fanout do not reach git",
                 "[workspace][git]") {
  // Set for the calls below only: the test's own git commands need the real ones.
  std::optional<ScopedEnv> git_dir(std::in_place, "GIT_DIR", "/nonexistent/.git");
  std::optional<ScopedEnv> git_index(std::in_place, "GIT_INDEX_FILE", "/nonexistent/index");
  auto ws = manager.up(issue("7"), cancel);
  INFO((ws.ok() ? "" : ws.failure().message));
  REQUIRE(ws.ok());
  std::ofstream(ws->record.path / "work.txt") << "the agent's\n";
  const auto kept = value_or_throw(manager.clean("7", {}, cancel));
  git_index.reset();
  git_dir.reset();
  CHECK(kept.kept == std::vector<std::string>{
                         "kept .fanout/worktrees/7: 1 uncommitted change, e.g. work.txt (use --force to delete)"});
  CHECK(sh("git status --porcelain", ws->record.path).out == "?? work.txt\n");
}

TEST_CASE("workspace up: one git worktree add per repository at a time; a cancel ends the wait", "[workspace][git]") {
  TempRepo repo;
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  // Another fanout process adding a worktree of this repository holds the lock.
  const fs::path lock_file = repo.root() / ".fanout/worktree-add.lock";
  fs::create_directories(lock_file.parent_path());
  const int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);

  sdk::CancelToken cancel;
  cancel.cancel();
  auto cancelled = manager.up(issue("7"), cancel);
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.failure().message ==
        "issue \"7\": cancelled while waiting for another \"git worktree add\" of this repository");
  CHECK(repo.git("worktree list --porcelain").find(".fanout") == std::string::npos);

  sdk::CancelToken fresh;
  std::optional<sdk::Result<Workspace>> ws;
  std::thread up([&] { ws.emplace(manager.up(issue("7"), fresh)); });
  ::close(fd); // the other add is done
  up.join();
  REQUIRE(ws->ok());
  CHECK(sh("git status --porcelain", (*ws)->record.path).out == "");
}

TEST_CASE_METHOD(ManagedRepo, "workspace up: without git on PATH the workspace fails, saying so", "[workspace][git]") {
  std::optional<ScopedEnv> no_git(std::in_place, "PATH", (repo.root() / "no-such-dir").string());
  auto ws = manager.up(issue("7"), cancel);
  no_git.reset(); // only for this call: libgit2 needs no PATH
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message ==
        "issue \"7\": \"git worktree add\" could not start: executable \"git\" not found on PATH");
  CHECK(manager.find("7")->record.state == State::failed);
}
