// What a workspace's children see and what its files let out: setup commands get the
// allowlisted env, copied files stay out of commits, fanout's files are private.
#include "host/services/process_runner.hpp"
#include "host/workspace/private_files.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"
#include "tests/support/scoped_env.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

using namespace fanout;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// Sets the umask for the test's length.
struct ScopedUmask {
  mode_t old;
  explicit ScopedUmask(mode_t mask) : old(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old); }
};

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

} // namespace

TEST_CASE("workspace setup: commands get the allowlisted env, not the host's tokens", "[workspace][trust]") {
  TempRepo repo;
  ScopedEnv token("GITHUB_TOKEN", "ghp_not_for_setup");
  ScopedEnv passed("NPM_TOKEN", "npm_passed_on_purpose");
  auto settings = repo.settings();
  settings.workspace.setup = {"env > setup-env.txt"};
  settings.pass_env = {"NPM_TOKEN"};
  services::LocalProcessRunner runner;
  workspace::WorkspaceManager manager(settings, nullptr, &runner);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("1"), cancel);
  REQUIRE(ws.ok());
  const std::string env = read_file(ws->record.path / "setup-env.txt");
  CHECK(env.find("ghp_not_for_setup") == std::string::npos);
  CHECK(env.find("NPM_TOKEN=npm_passed_on_purpose\n") != std::string::npos);
  CHECK(env.find("PATH=") != std::string::npos);
  CHECK(env.find("FANOUT_ISSUE=1\n") != std::string::npos);
}

TEST_CASE("workspace files: copied files and the env file are ignored in the worktree only", "[workspace][trust]") {
  TempRepo repo;
  repo.write(".env", "SECRET=1\n"); // not git-ignored: `git add -A` in a plain worktree would take it
  auto settings = repo.settings();
  settings.workspace.copy = {".env"};
  workspace::WorkspaceManager manager(settings, nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("1"), cancel);
  REQUIRE(ws.ok());
  const fs::path wt = ws->record.path;
  REQUIRE(read_file(wt / ".env") == "SECRET=1\n");
  const auto added = sh("echo change >> README.md && git add -A && git status --porcelain", wt);
  CHECK(added.out == "M  README.md\n");
  CHECK(sh("git status --porcelain", repo.root()).out == "?? .env\n"); // the main checkout is as it was
}

TEST_CASE("workspace files: a touched path is private when it is a copied file or inside a reuse dir",
          "[workspace][trust]") {
  const std::vector<std::string> files = workspace::private_files(
      {.copy = {"./.env", "config/"}, .reuse = {"node_modules"}, .env_file = ".env.fanout"});
  CHECK(files == std::vector<std::string>{".env", "config", "node_modules", ".env.fanout"});
  CHECK(workspace::first_private({"src/a.ts", "node_modules/x/index.js"}, files) == "node_modules/x/index.js");
  CHECK(workspace::first_private({"config/app.json"}, files) == "config/app.json");
  CHECK_FALSE(workspace::first_private({".envrc", "configs/a", "src/.env"}, files));
}

TEST_CASE("workspace files: state, logs and the env file are private whatever the umask", "[workspace][trust]") {
  ScopedUmask open_umask(0);
  TempRepo repo;
  auto settings = repo.settings();
  settings.workspace.setup = {"true"};
  services::LocalProcessRunner runner;
  workspace::WorkspaceManager manager(settings, nullptr, &runner);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("1"), cancel);
  REQUIRE(ws.ok());
  CHECK(mode_of(repo.root() / ".fanout") == 0700);
  CHECK(mode_of(repo.root() / ".fanout" / "state.db") == 0600);
  CHECK(mode_of(repo.root() / ".fanout" / "workspaces" / "1") == 0700);
  CHECK(mode_of(ws->log) == 0600);
  CHECK(mode_of(ws->record.path / ".env.fanout") == 0600);
}

TEST_CASE("workspace files: an env file the branch commits as a symlink is replaced, not written through",
          "[workspace][trust]") {
  TempRepo repo;
  const fs::path target = repo.root().parent_path() / (repo.root().filename().string() + "-victim");
  { std::ofstream(target) << "keep me\n"; }
  fs::create_symlink(target, repo.root() / ".env.fanout");
  repo.git("add -f .env.fanout");
  repo.git("commit -q -m link");
  workspace::WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("1"), cancel);
  REQUIRE(ws.ok());
  CHECK(read_file(target) == "keep me\n");
  CHECK_FALSE(fs::is_symlink(ws->record.path / ".env.fanout"));
  CHECK(read_file(ws->record.path / ".env.fanout").find("FANOUT_ISSUE=1") != std::string::npos);
  fs::remove(target);
}

TEST_CASE("workspace files: a copy entry under a folder the branch commits as a symlink is refused",
          "[workspace][trust]") {
  TempRepo repo;
  const fs::path outside = repo.root().parent_path() / (repo.root().filename().string() + "-outside");
  fs::create_directories(outside);
  // Branch "evil" commits `sub` as a symlink out of the repo; the main checkout has a real sub/.env.
  repo.git("checkout -q -b evil");
  fs::create_directory_symlink(outside, repo.root() / "sub");
  repo.git("add sub");
  repo.git("commit -q -m link");
  repo.git("checkout -q main");
  fs::create_directories(repo.root() / "sub");
  { std::ofstream(repo.root() / "sub" / ".env") << "SECRET=1\n"; }
  auto settings = repo.settings();
  settings.workspace.base = "evil";
  settings.workspace.copy = {"sub/.env"};
  workspace::WorkspaceManager manager(settings, nullptr, nullptr);
  sdk::CancelToken cancel;
  auto ws = manager.up(issue("1"), cancel);
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message.find("[workspace] copy: \"sub/.env\": \"" +
                                  (settings.workspace.root / "1" / "sub").string() +
                                  "\" is a symlink in the worktree, and fanout never copies through one") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(outside / ".env"));
  fs::remove_all(outside);
}
