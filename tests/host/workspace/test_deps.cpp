#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "host/workspace/deps.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

TEST_CASE("workspace deps: copy_tree keeps symlinks, modes and mtimes", "[workspace][deps]") {
  TempRepo repo;
  const fs::path src = repo.root() / "tree";
  repo.write("tree/a/b/file.txt", "content");
  repo.write("tree/bin/tool", "#!/bin/sh\n");
  ::chmod((src / "bin/tool").c_str(), 0750);
  ::symlink("../a/b/file.txt", (src / "bin/link").c_str());
  ::symlink("/nonexistent/target", (src / "dangling").c_str());
  REQUIRE(sh("touch -d '2001-02-03 04:05:06' a/b/file.txt a", src).rc == 0);
  const auto stats = copy_tree_ok(src, repo.root() / "copy", 4);
  CHECK(stats.files == 2);
  CHECK(stats.symlinks == 2);
  const fs::path dst = repo.root() / "copy";
  CHECK(read_file(dst / "a/b/file.txt") == "content");
  CHECK(fs::is_symlink(dst / "bin/link"));
  CHECK(fs::read_symlink(dst / "bin/link") == "../a/b/file.txt");
  CHECK(fs::read_symlink(dst / "dangling") == "/nonexistent/target");
  struct stat a {}, b {};
  ::stat((src / "bin/tool").c_str(), &a);
  ::stat((dst / "bin/tool").c_str(), &b);
  CHECK((b.st_mode & 07777) == 0750);
  ::stat((src / "a/b/file.txt").c_str(), &a);
  ::stat((dst / "a/b/file.txt").c_str(), &b);
  CHECK(a.st_mtim.tv_sec == b.st_mtim.tv_sec);
  ::stat((src / "a").c_str(), &a);
  ::stat((dst / "a").c_str(), &b);
  CHECK(a.st_mtim.tv_sec == b.st_mtim.tv_sec);
  CHECK(a.st_ino != b.st_ino);
  CHECK_FALSE(fs::is_symlink(dst / "a"));
}

TEST_CASE("workspace deps: reuse dirs when the key files match, else leave them to setup", "[workspace][deps]") {
  TempRepo repo({{"package-lock.json", "{\"v\":1}\n"}, {".gitignore", "node_modules/\n.env\n"}});
  repo.write("node_modules/left-pad/index.js", "module.exports = 1;\n");
  repo.write(".env", "SECRET=1\n");
  auto settings = repo.settings();
  settings.workspace.copy = {".env", "missing.txt"};
  settings.workspace.reuse = {"node_modules"};
  settings.workspace.key_files = {"package-lock.json"};
  settings.workspace.setup = {"echo reused=$FANOUT_DEPS_REUSED port=$PORT > setup.out"};
  services::LocalProcessRunner runner;
  WorkspaceManager manager(settings, nullptr, &runner);
  sdk::CancelToken cancel;

  auto ws = manager.up(issue("1"), cancel);
  REQUIRE(ws.ok());
  const fs::path path = ws->record.path;
  CHECK(read_file(path / ".env") == "SECRET=1\n");
  CHECK(read_file(path / "node_modules/left-pad/index.js") == "module.exports = 1;\n");
  CHECK_FALSE(fs::is_symlink(path / "node_modules"));
  CHECK(ws->deps.reused == std::vector<std::string>{"node_modules"});
  CHECK(read_file(path / "setup.out") == "reused=1 port=" + std::to_string(ws->ports.first) + "\n");
  CHECK(read_file(ws->log).find("$ echo reused=") == 0);

  SECTION("a different lockfile on the base branch means no reuse") {
    repo.write("package-lock.json", "{\"v\":2}\n"); // main checkout changes; the branch keeps v1
    auto other = manager.up(issue("2"), cancel);
    REQUIRE(other.ok());
    CHECK_FALSE(fs::exists(other->record.path / "node_modules"));
    CHECK(other->deps.not_reused == std::vector<std::string>{"node_modules (key files differ from the main checkout)"});
    CHECK(read_file(other->record.path / "setup.out") == "reused=0 port=" + std::to_string(other->ports.first) + "\n");
  }
}

TEST_CASE("workspace deps: a failing setup fails that workspace only, naming the log", "[workspace][deps]") {
  TempRepo repo;
  auto settings = repo.settings();
  settings.workspace.setup = {"test \"$FANOUT_ISSUE\" != bad || { echo installing >&2; echo boom >&2; exit 3; }"};
  services::LocalProcessRunner runner;
  WorkspaceManager manager(settings, nullptr, &runner);
  sdk::CancelToken cancel;
  auto bad = manager.up(issue("bad"), cancel);
  auto good = manager.up(issue("good"), cancel);
  REQUIRE(good.ok());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.failure().message ==
        "issue \"bad\": setup command \"" + settings.workspace.setup[0] +
            "\" exited with code 3 (log: .fanout/workspaces/bad/setup.log)\n  installing\n  boom");
  CHECK(manager.find("bad")->record.state == State::failed);
  CHECK(manager.find("good")->record.state == State::ready);
  CHECK(read_file(repo.root() / ".fanout/workspaces/bad/setup.log").find("boom") != std::string::npos);
}

TEST_CASE("workspace deps: paths that leave the checkout are refused", "[workspace][deps]") {
  TempRepo repo;
  auto settings = repo.settings();
  settings.workspace.copy = {"../secret"};
  WorkspaceManager manager(settings, nullptr, nullptr);
  auto ws = manager.up(issue("1"), sdk::CancelToken{});
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message == "issue \"1\": [workspace] copy: \"../secret\" must be a relative path inside the repository");
}
