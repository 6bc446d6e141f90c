// fanout deletes only what it can prove it made: up and clean next to folders and symlinks
// that are not fanout's.
#include "host/workspace/ownership.hpp"
#include "host/util/error.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

/// A folder of the user's with a file in it, outside the repository.
struct UserFolder {
  fs::path base;
  UserFolder() : base(fs::temp_directory_path() / ("fanout-home-" + std::to_string(::getpid()) + "-" +
                                                  std::to_string(std::rand()))) {
    fs::create_directories(base / "src");
    std::ofstream(base / "src" / "precious.txt") << "mine\n";
  }
  ~UserFolder() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};

} // namespace

TEST_CASE("ownership: up refuses a worktree place holding a folder fanout did not make", "[workspace][ownership]") {
  TempRepo repo;
  UserFolder home;
  auto settings = repo.settings();
  settings.workspace.root = home.base; // [workspace] root = "~" from the user config
  WorkspaceManager manager(settings, nullptr, nullptr);
  sdk::CancelToken cancel;
  auto made = manager.up(issue("src", "Anything"), cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().message.find("refused to use \"" + (home.base / "src").string() +
                                    "\" for the worktree: it is not a worktree of this repository and fanout did not "
                                    "make it") != std::string::npos);
  CHECK(read_file(home.base / "src" / "precious.txt") == "mine\n");

  SECTION("clean says it refused and deletes nothing") {
    const auto report = value_or_throw(manager.clean("src", {.force = true}, cancel));
    REQUIRE(report.kept.size() == 1);
    CHECK(report.kept[0] == "kept " + (home.base / "src").string() +
                                ": refused to delete it: it is not a worktree of this repository and fanout did "
                                "not make it");
    CHECK_FALSE(report.complete);
    CHECK(read_file(home.base / "src" / "precious.txt") == "mine\n");
  }
}

TEST_CASE("ownership: a .fanout/worktrees symlink the repo commits is never deleted through",
          "[workspace][ownership]") {
  TempRepo repo;
  UserFolder home;
  fs::create_directories(repo.root() / ".fanout");
  fs::create_directory_symlink(home.base, repo.root() / ".fanout" / "worktrees");
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  sdk::CancelToken cancel;
  auto made = manager.up(issue("src", "Anything"), cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().message.find("\"" + (repo.root() / ".fanout" / "worktrees").string() +
                                    "\" is a symlink, and fanout never deletes through one") != std::string::npos);
  const auto report = value_or_throw(manager.clean("src", {.force = true}, cancel));
  REQUIRE_FALSE(report.kept.empty());
  CHECK(report.kept[0].find("refused to delete it") != std::string::npos);
  CHECK(read_file(home.base / "src" / "precious.txt") == "mine\n");
}

TEST_CASE_METHOD(ManagedRepo, "ownership: what up made, clean removes; a half-made worktree is redone",
                 "[workspace][ownership]") {
  auto made = manager.up(issue("7", "Fix it"), cancel);
  REQUIRE(made.ok());
  const fs::path path = made->record.path;
  const fs::path common = common_git_dir(repo.root());
  CHECK_FALSE(why_not_ours(common, "7", repo.root(), path));

  SECTION("registered in git: fanout's") {
    const auto report = value_or_throw(manager.clean("7", {}, cancel));
    CHECK(report.complete);
    CHECK_FALSE(fs::exists(path));
  }
  SECTION("a folder where git's registration is gone but fanout's record of making it is not") {
    repo.git("worktree remove --force " + path.string());
    forget_made(common, "7");
    fs::create_directories(path / "half");
    mark_made(common, "other", path / "never"); // a record for another place proves nothing here
    CHECK(why_not_ours(common, "7", repo.root(), path) ==
          std::optional<std::string>("it is not a worktree of this repository and fanout did not make it"));
    fs::remove_all(path);
    mark_made(common, "7", path);
    fs::create_directories(path / "half"); // a checkout cut short
    CHECK_FALSE(why_not_ours(common, "7", repo.root(), path));
    auto again = manager.up(issue("7", "Fix it"), cancel);
    REQUIRE(again.ok());
    CHECK(fs::exists(path / "README.md"));
    CHECK_FALSE(fs::exists(path / "half"));
  }
}

TEST_CASE("ownership: mark_made records nothing for a place that already exists", "[workspace][ownership]") {
  TempRepo repo;
  UserFolder home;
  const fs::path common = common_git_dir(repo.root());
  mark_made(common, "src", home.base / "src");
  CHECK(why_not_ours(common, "src", home.base, home.base / "src").has_value());
  const auto removed = remove_worktree_folder(common, "src", home.base, home.base / "src", "~/src");
  REQUIRE_FALSE(removed.ok());
  CHECK(removed.failure().message ==
        "refused to delete \"~/src\": it is not a worktree of this repository and fanout did not make it "
        "(move or delete it yourself, then try again)");
  CHECK(read_file(home.base / "src" / "precious.txt") == "mine\n");
}
