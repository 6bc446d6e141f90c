// Error paths of workspaces, each with the exact message the user gets: a database brancher
// that fails or is missing, a failing fetch of the base, a workspace another process holds,
// and the command-line errors of exec and clean.
#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "host/workspace/doctor.hpp"
#include "host/workspace/naming.hpp"
#include "host/workspace/store.hpp"
#include "host/workspace/workspace_manager.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <optional>
#include <thread>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

const sdk::CancelToken k_no_cancel;

} // namespace

TEST_CASE_METHOD(BranchedRepo, "workspace errors: a database branch that cannot be made fails that workspace alone",
                 "[workspace][errors]") {
  const std::string db1 = database_branch("1"), db2 = database_branch("2");
  brancher.fail_create = "the server refused it";
  brancher.fail_only = {db2};

  std::optional<sdk::Result<Workspace>> one, two;
  std::thread other([&] { two.emplace(manager.up(issue("2"), k_no_cancel)); });
  one.emplace(manager.up(issue("1"), k_no_cancel));
  other.join();

  REQUIRE(one->ok());
  REQUIRE_FALSE(two->ok());
  CHECK(two->failure().message == "issue \"2\": database branch \"" + db2 + "\": the server refused it");
  const auto failed = manager.find("2");
  REQUIRE(failed);
  CHECK(failed->record.state == State::failed);
  CHECK(failed->record.error == "database branch \"" + db2 + "\": the server refused it");
  CHECK(failed->record.db_url.empty());
  CHECK(manager.find("1")->record.state == State::ready);
  CHECK(manager.env("1")->at("DATABASE_URL") == brancher.branches.at(db1));
  CHECK(brancher.branches.size() == 1);

  brancher.fail_create.clear(); // a later up makes it
  auto again = manager.up(issue("2"), k_no_cancel);
  REQUIRE(again.ok());
  CHECK(again->record.state == State::ready);
  CHECK(manager.env("2")->at("DATABASE_URL") == brancher.branches.at(db2));
}

TEST_CASE("workspace errors: a configured brancher that is not available fails the workspace", "[workspace][errors]") {
  TempRepo repo;
  auto settings = repo.settings();
  settings.brancher = "postgres";
  WorkspaceManager manager(settings, nullptr, nullptr);
  auto ws = manager.up(issue("7"), k_no_cancel);
  REQUIRE_FALSE(ws.ok());
  CHECK(ws.failure().message == "issue \"7\": database brancher \"postgres\" is not available");
  CHECK(manager.find("7")->record.state == State::failed);
  CHECK(manager.find("7")->record.error == "database brancher \"postgres\" is not available");
}

TEST_CASE_METHOD(BranchedRepo,
                 "workspace errors: clean keeps the record when the database branch cannot be removed, and retries later",
                 "[workspace][errors]") {
  auto ws = manager.up(issue("7"), k_no_cancel);
  REQUIRE(ws.ok());
  const std::string db = ws->record.db_branch;
  brancher.fail_remove = "database is being accessed by other users";

  const auto first = value_or_throw(manager.clean("7", {}, k_no_cancel));
  CHECK_FALSE(first.complete);
  CHECK(first.removed == std::vector<std::string>{"removed worktree .fanout/worktrees/7",
                                                  "deleted branch \"fanout/7-add-a-thing\""});
  CHECK(first.kept ==
        std::vector<std::string>{"kept database branch \"" + db + "\": database is being accessed by other users"});
  const auto left = manager.find("7");
  REQUIRE(left);
  CHECK(left->record.state == State::failed);
  CHECK(left->record.error == "database branch could not be removed");
  CHECK(brancher.branches.count(db) == 1);
  CHECK(find_lease(WorkspaceStore(repo.root()).db(), "7"));
  const auto findings = value_or_throw(doctor(manager, &brancher, {}, k_no_cancel));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].problem == "workspace \"7\" failed: database branch could not be removed");
  CHECK(findings[0].fix == "fanout up 7  (or: fanout clean 7)");

  brancher.fail_remove.clear();
  const auto second = value_or_throw(manager.clean("7", {}, k_no_cancel));
  CHECK(second.complete);
  CHECK(second.removed == std::vector<std::string>{"removed database branch \"" + db + "\"", "released ports"});
  CHECK(second.kept.empty());
  CHECK(brancher.branches.empty());
  CHECK_FALSE(manager.find("7"));
  CHECK(value_or_throw(doctor(manager, &brancher, {}, k_no_cancel)).empty());
}

TEST_CASE_METHOD(BranchedRepo,
                 "workspace errors: a brancher that cannot list its branches is reported by clean --orphans and doctor",
                 "[workspace][errors]") {
  brancher.branches["fanout_old_1234"] = "sqlite:///x";
  brancher.fail_list = "neon API error (HTTP 500 on GET /projects/p/branches): internal";

  const auto orphans = value_or_throw(manager.clean_orphans({}, k_no_cancel));
  CHECK_FALSE(orphans.complete);
  CHECK(orphans.removed.empty());
  CHECK(orphans.kept == std::vector<std::string>{"cannot list database branches: neon API error (HTTP 500 on GET "
                                                 "/projects/p/branches): internal"});
  CHECK(brancher.branches.count("fanout_old_1234") == 1);

  const auto findings = value_or_throw(doctor(manager, &brancher, {}, k_no_cancel));
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].problem ==
        "cannot list database branches: neon API error (HTTP 500 on GET /projects/p/branches): internal");
  CHECK(findings[0].fix == "fanout config check");
}

TEST_CASE("workspace errors: up refuses a workspace that a live process is removing", "[workspace][errors]") {
  TempRepo repo;
  WorkspaceManager manager(repo.settings(), nullptr, nullptr);
  REQUIRE(manager.up(issue("3"), k_no_cancel).ok());
  WorkspaceStore store(repo.root());
  auto record = *store.find("3");
  record.state = State::removing;
  record.pid = ::getppid(); // alive, and not us
  store.save(record);

  auto up = manager.up(issue("3"), k_no_cancel);
  REQUIRE_FALSE(up.ok());
  CHECK(up.failure().message == "issue \"3\": workspace is being removed by process " + std::to_string(record.pid));
  CHECK(store.find("3")->state == State::removing); // left to its owner
  CHECK(store.find("3")->pid == record.pid);
}

TEST_CASE("workspace errors: base_remote without a fetchable origin/<base> fails with git's message",
          "[workspace][errors]") {
  TempRepo repo;
  auto settings = repo.settings();
  settings.workspace.base_remote = true;
  services::LocalProcessRunner runner;
  std::string expected;
  std::optional<TempRepo> origin;
  SECTION("no origin") {
    settings.workspace.base = "main";
    expected = "\"git fetch origin main\" failed: fatal: 'origin' does not appear to be a git repository\n";
  }
  SECTION("an origin without the base branch") {
    origin.emplace();
    repo.git("remote add origin '" + origin->root().string() + "'");
    settings.workspace.base = "release";
    expected = "\"git fetch origin release\" failed: fatal: couldn't find remote ref release\n";
  }
  WorkspaceManager manager(settings, nullptr, &runner);
  auto ws = manager.up(issue("7"), k_no_cancel);
  REQUIRE_FALSE(ws.ok());
  CHECK_THAT(ws.failure().message, Catch::StartsWith("issue \"7\": " + expected));
  const auto record = manager.find("7");
  REQUIRE(record);
  CHECK(record->record.state == State::failed);
  CHECK_THAT(record->record.error, Catch::StartsWith(expected));
  CHECK(repo.git("branch --list 'fanout/*'") == "");
  CHECK_FALSE(fs::exists(repo.root() / ".fanout/worktrees/7"));
}

TEST_CASE("fanout exec: a failed workspace is refused, saying how to finish it", "[workspace][errors][cli]") {
  TempRepo repo;
  write_cli_config(repo, "\n[workspace]\nsetup = [\"exit 3\"]\n");
  REQUIRE(fanout_cli(repo, "-q up 7").rc == 1);
  const auto exec = fanout_cli(repo, "exec 7 -- touch ran");
  CHECK(exec.rc == 1);
  CHECK(exec.out == "fanout: error: workspace of issue \"7\" is failed (run \"fanout up 7\")\n");
  CHECK_FALSE(fs::exists(repo.root() / ".fanout/worktrees/7/ran"));
}

TEST_CASE_METHOD(CliRepo, "fanout exec: a command that cannot run exits 127 or 126, naming it",
                 "[workspace][errors][cli]") {
  REQUIRE(fanout_cli(repo, "-q up 7").rc == 0);
  SECTION("not found") {
    const auto exec = fanout_cli(repo, "exec 7 -- no-such-command-xyz --flag");
    CHECK(exec.rc == 127);
    CHECK(exec.out == "fanout: error: cannot run \"no-such-command-xyz\": No such file or directory\n");
  }
  SECTION("not executable") {
    repo.write(".fanout/worktrees/7/script.sh", "#!/bin/sh\necho hi\n");
    const auto exec = fanout_cli(repo, "exec 7 -- ./script.sh");
    CHECK(exec.rc == 126);
    CHECK(exec.out == "fanout: error: cannot run \"./script.sh\": Permission denied\n");
  }
}

TEST_CASE_METHOD(CliRepo, "fanout clean: nothing to clean", "[workspace][errors][cli]") {
  SECTION("--all with no workspaces") {
    const auto clean = fanout_cli(repo, "clean --all");
    CHECK(clean.rc == 0);
    CHECK(clean.out == "nothing to clean\n");
  }
  SECTION("a key with no workspace and no leftovers") {
    const auto clean = fanout_cli(repo, "clean 9");
    CHECK(clean.rc == 0);
    CHECK(clean.out == "9: nothing to clean\n");
  }
}
