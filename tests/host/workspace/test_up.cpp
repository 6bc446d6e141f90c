#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "host/git/repo.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <memory>
#include <set>
#include <thread>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

TEST_CASE("workspace up: makes a worktree and branch that the git CLI sees, clean", "[workspace]") {
  TempRepo repo({{"README.md", "hello\n"}, {"src/a/b/c.txt", "deep\n"}, {"bin/run.sh", "#!/bin/sh\necho hi\n"}});
  fs::permissions(repo.root() / "bin/run.sh", fs::perms::owner_exec, fs::perm_options::add);
  ::symlink("../README.md", (repo.root() / "src/readme-link").c_str());
  repo.git("add -A");
  repo.git("commit -q -m more");
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;

  auto ws = manager.up(issue("7", "Add login page"), cancel);
  REQUIRE(ws.ok());
  const fs::path path = repo.root() / ".fanout/worktrees/7";
  CHECK(ws->record.path == path);
  CHECK(ws->record.branch == "fanout/7-add-login-page");
  CHECK(ws->record.state == State::ready);
  CHECK(repo.git("worktree list --porcelain").find("worktree " + path.string() + "\n") != std::string::npos);
  CHECK(repo.git("branch --list --format='%(refname:short)' 'fanout/*'") == "fanout/7-add-login-page\n");
  CHECK(repo.git("config --get branch.fanout/7-add-login-page.fanoutIssue") == "7\n");
  CHECK(ws->record.start_commit + "\n" == repo.git("rev-parse main"));
  CHECK(sh("git status --porcelain", path).out == "");
  CHECK(sh("git rev-parse --abbrev-ref HEAD", path).out == "fanout/7-add-login-page\n");
  CHECK(sh("git diff --quiet HEAD && git diff --cached --quiet", path).rc == 0);
  CHECK(read_file(path / "src/a/b/c.txt") == "deep\n");
  CHECK(fs::read_symlink(path / "src/readme-link") == "../README.md");
  struct stat st {};
  REQUIRE(::stat((path / "bin/run.sh").c_str(), &st) == 0);
  CHECK((st.st_mode & S_IXUSR) != 0);
  CHECK(sh("git status --porcelain", repo.root()).out == ""); // .fanout/ and the env file are excluded

  SECTION("a second up reuses it") {
    sh("echo work > new.txt", path);
    auto again = manager.up(issue("7", "Add login page"), cancel);
    REQUIRE(again.ok());
    CHECK(again->existed);
    CHECK(again->ports.first == ws->ports.first);
    CHECK(fs::exists(path / "new.txt"));
  }
  SECTION("the env file and env() carry the workspace's values") {
    const auto env = *manager.env("7");
    CHECK(env.at("PORT") == std::to_string(ws->ports.first));
    CHECK(env.at("FANOUT_ISSUE") == "7");
    CHECK(env.at("FANOUT_WORKSPACE") == path.string());
    CHECK(env.count("DATABASE_URL") == 0);
    std::string ports;
    for (int p = ws->ports.first; p < ws->ports.first + 10; ++p) ports += (ports.empty() ? "" : ",") + std::to_string(p);
    CHECK(env.at("FANOUT_PORTS") == ports);
    const std::string file = read_file(path / ".env.fanout");
    CHECK(file.find("\nPORT=" + std::to_string(ws->ports.first) + "\n") != std::string::npos);
    CHECK(file.find("\nFANOUT_PORTS=" + ports + "\n") != std::string::npos);
    CHECK(file.find("\nCOMPOSE_PROJECT_NAME=" + env.at("COMPOSE_PROJECT_NAME") + "\n") != std::string::npos);
  }
  SECTION("unknown keys are refused by env()") {
    CHECK(manager.env("99").failure().message == "no workspace for issue \"99\" (run \"fanout up 99\")");
  }
}

TEST_CASE_METHOD(ManagedRepo, "workspace up: keys that would share a branch name get distinct branches",
                 "[workspace]") {
  auto first = manager.up(issue("a", "b c"), cancel);
  auto second = manager.up(issue("a-b", "c"), cancel);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->record.branch == "fanout/a-b-c");
  CHECK(second->record.branch != first->record.branch);
  CHECK(second->record.branch.rfind("fanout/a-b-c-", 0) == 0);
  CHECK(first->record.path != second->record.path);
}

TEST_CASE("workspace up: branches from [workspace] base, and from origin/<base> with base_remote", "[workspace]") {
  TempRepo origin(std::map<std::string, std::string>{{"a.txt", "origin\n"}});
  TempRepo repo(std::map<std::string, std::string>{{"a.txt", "local\n"}});
  repo.git("checkout -q -b develop");
  repo.write("dev.txt", "dev\n");
  repo.git("add dev.txt");
  repo.git("commit -q -m dev");
  repo.git("checkout -q main");
  auto settings = repo.settings();
  settings.workspace.base = "develop";
  services::LocalProcessRunner runner;
  sdk::CancelToken cancel;
  {
    WorkspaceManager manager(settings, nullptr, &runner);
    auto ws = manager.up(issue("1"), cancel);
    REQUIRE(ws.ok());
    CHECK(fs::exists(ws->record.path / "dev.txt"));
    CHECK(ws->record.base == "develop");
  }
  repo.git("remote add origin '" + origin.root().string() + "'");
  settings.workspace.base = "main";
  settings.workspace.base_remote = true;
  WorkspaceManager manager(settings, nullptr, &runner);
  auto ws = manager.up(issue("2"), cancel);
  REQUIRE(ws.ok());
  CHECK(ws->record.base == "origin/main");
  CHECK(read_file(ws->record.path / "a.txt") == "origin\n");
}

TEST_CASE("workspace up: many at once from threads", "[workspace]") {
  std::map<std::string, std::string> files;
  for (int i = 0; i < 300; ++i) files["src/d" + std::to_string(i % 17) + "/f" + std::to_string(i) + ".c"] = std::to_string(i);
  TempRepo repo(files);
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  std::vector<std::thread> threads;
  std::vector<int> ok(6, 0);
  std::vector<std::string> errors(6);
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      auto result = manager.up(issue(std::to_string(100 + i)), cancel);
      ok[i] = result.ok();
      if (!result.ok()) errors[i] = result.failure().message;
    });
  for (auto& t : threads) t.join();
  for (const auto& error : errors) CHECK(error == "");
  CHECK(ok == std::vector<int>(6, 1));
  for (int i = 0; i < 6; ++i) CHECK(sh("git status --porcelain", repo.root() / ".fanout/worktrees" / std::to_string(100 + i)).out == "");
  std::set<int> firsts;
  for (const auto& ws : manager.list()) firsts.insert(ws.ports.first);
  CHECK(firsts.size() == 6);
}

TEST_CASE("workspace up: a repository with no commits is refused with a clear message", "[workspace]") {
  const fs::path dir = fs::temp_directory_path() / ("fanout-ws-empty-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  REQUIRE(sh("git init -q -b main", dir).rc == 0);
  WorkspaceManager manager(Settings::defaults(dir), nullptr, nullptr);
  auto ws = manager.up(issue("1"), sdk::CancelToken{});
  REQUIRE(!ws.ok());
  CHECK(ws.failure().message == "issue \"1\": the repository has no commits yet (commit something first)");
  fs::remove_all(dir);
}

TEST_CASE("workspace up and clean: a key fanout cannot name things after fails, touching nothing", "[workspace]") {
  TempRepo repo;
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  const std::string too_long(65, 'k');
  auto ws = manager.up(issue(too_long), sdk::CancelToken{});
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message == "issue \"" + too_long + "\": issue key \"" + std::string(40, 'k') +
                                    "...\" is too long (at most 64 characters once encoded)");
  CHECK_FALSE(manager.find(too_long));
  auto empty = manager.up(issue(""), sdk::CancelToken{});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.failure().message == "issue \"\": issue key is empty");
  const auto cleaned = manager.clean("", {}, sdk::CancelToken{});
  REQUIRE_FALSE(cleaned.ok());
  CHECK(cleaned.failure().message == "issue key is empty");
}

TEST_CASE("workspace up: without [workspace] base, branches from the repo's default branch", "[workspace]") {
  TempRepo repo;
  repo.git("checkout -q -b feature");
  commit_file(repo.root(), "feature.txt");
  sdk::CancelToken cancel;
  const auto base_of_up = [&](Settings settings) {
    services::LocalProcessRunner runner;
    WorkspaceManager manager(std::move(settings), nullptr, &runner);
    auto ws = manager.up(issue("9"), cancel);
    INFO((ws.ok() ? "" : ws.failure().message));
    REQUIRE(ws.ok());
    CHECK(repo.git("rev-parse fanout/9-add-a-thing") == repo.git("rev-parse " + ws->record.base));
    return ws->record.base;
  };

  SECTION("the main checkout on a feature branch: main, not the feature branch") {
    CHECK(base_of_up(repo.settings()) == "main");
    CHECK_FALSE(fs::exists(repo.root() / ".fanout/worktrees/9/feature.txt"));
  }
  std::unique_ptr<TempRepo> origin; // its HEAD on "trunk", which main does not have
  const auto add_origin = [&] {
    origin = std::make_unique<TempRepo>();
    origin->git("checkout -q -b trunk");
    commit_file(origin->root(), "trunk.txt");
    repo.git("remote add origin '" + origin->root().string() + "'");
    repo.git("fetch -q origin");
    repo.git("remote set-head origin --auto");
    CHECK(repo.git("symbolic-ref refs/remotes/origin/HEAD") == "refs/remotes/origin/trunk\n");
  };
  SECTION("origin/HEAD names it") {
    add_origin();
    repo.git("branch trunk origin/trunk");
    CHECK(base_of_up(repo.settings()) == "trunk");
    CHECK(fs::exists(repo.root() / ".fanout/worktrees/9/trunk.txt"));
  }
  SECTION("origin/HEAD names it, with base_remote: origin/<it>, fetched") {
    add_origin();
    commit_file(origin->root(), "later.txt");
    auto settings = repo.settings();
    settings.workspace.base_remote = true;
    CHECK(base_of_up(settings) == "origin/trunk");
    CHECK(fs::exists(repo.root() / ".fanout/worktrees/9/later.txt"));
  }
  SECTION("init.defaultBranch names it when that branch exists") {
    repo.git("branch dev main");
    repo.git("config init.defaultBranch dev");
    CHECK(base_of_up(repo.settings()) == "dev");
  }
  SECTION("init.defaultBranch naming no branch: main") {
    repo.git("config init.defaultBranch nosuch");
    CHECK(base_of_up(repo.settings()) == "main");
  }
  SECTION("master when there is no main") {
    repo.git("branch -m main master");
    CHECK(base_of_up(repo.settings()) == "master");
  }
  SECTION("a repository with only a feature branch: that branch") {
    repo.git("branch -D main");
    CHECK(base_of_up(repo.settings()) == "feature");
    CHECK(fs::exists(repo.root() / ".fanout/worktrees/9/feature.txt"));
  }
}

TEST_CASE_METHOD(ManagedRepo,
                 "workspace up: an existing branch with no workspace is reused only when it is the issue's own",
                 "[workspace]") {

  SECTION("another issue's branch, kept by clean: the hashed name") {
    auto first = manager.up(issue("a", "b c"), cancel);
    REQUIRE(first.ok());
    commit_file(first->record.path, "a.txt");
    REQUIRE(value_or_throw(manager.clean("a", {}, cancel)).kept ==
            std::vector<std::string>{"kept branch \"fanout/a-b-c\": not merged into \"main\" (use --force to delete)"});
    auto second = manager.up(issue("a-b", "c"), cancel);
    REQUIRE(second.ok());
    CHECK(second->record.branch == with_key_hash("fanout/a-b-c", "a-b"));
    CHECK_FALSE(fs::exists(second->record.path / "a.txt"));
    CHECK(repo.git("config --get branch.fanout/a-b-c.fanoutIssue") == "a\n");
    CHECK(repo.git("config --get branch." + second->record.branch + ".fanoutIssue") == "a-b\n");
  }
  SECTION("the same issue's branch, kept by clean: reused with its commits") {
    auto first = manager.up(issue("7"), cancel);
    REQUIRE(first.ok());
    const std::string start = first->record.start_commit;
    commit_file(first->record.path, "work.txt");
    REQUIRE(value_or_throw(manager.clean("7", {}, cancel)).kept.size() == 1);
    auto again = manager.up(issue("7"), cancel);
    REQUIRE(again.ok());
    CHECK(again->record.branch == "fanout/7-add-a-thing");
    CHECK(read_file(again->record.path / "work.txt") == "work.txt\n");
    CHECK(again->record.start_commit == start); // from the branch's reflog
    CHECK(value_or_throw(manager.merged_keys()).empty());
    repo.git("merge -q --ff-only fanout/7-add-a-thing");
    CHECK(value_or_throw(manager.merged_keys()) == std::vector<std::string>{"7"});
  }
  SECTION("a branch made by hand: left alone, the hashed name") {
    repo.git("branch fanout/7-add-a-thing");
    auto ws = manager.up(issue("7"), cancel);
    REQUIRE(ws.ok());
    CHECK(ws->record.branch == with_key_hash("fanout/7-add-a-thing", "7"));
    CHECK(sh("git config --get branch.fanout/7-add-a-thing.fanoutIssue", repo.root()).rc == 1);
    CHECK(value_or_throw(manager.clean("7", {}, cancel)).removed ==
          std::vector<std::string>{"removed worktree .fanout/worktrees/7",
                                   "deleted branch \"" + ws->record.branch + "\"", "released ports"});
    CHECK(repo.git("branch --list 'fanout/*'") == "  fanout/7-add-a-thing\n");
    CHECK(sh("git config --get-regexp fanoutissue", repo.root()).out == ""); // went with the branch
  }
}
