#include "host/services/process_runner.hpp"
#include "host/workspace/checkout.hpp"
#include "host/workspace/git_repo.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <set>
#include <thread>

using namespace fanout;
using namespace fanout::workspace;
using fanout::test::issue;
using fanout::test::read_file;
using fanout::test::sh;
using fanout::test::TempRepo;
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
    const auto env = manager.env("7");
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
    CHECK_THROWS_WITH(manager.env("99"), "no workspace for issue \"99\" (run \"fanout up 99\")");
  }
}

TEST_CASE("workspace up: keys that would share a branch name get distinct branches", "[workspace]") {
  TempRepo repo;
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
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
