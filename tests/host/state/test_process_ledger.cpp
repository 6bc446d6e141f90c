#include "host/services/process_runner.hpp"
#include "host/state/process_ledger.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;
using namespace fanout;

namespace {

fs::path temp_db(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("fanout-ledger-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir / "state.db";
}

/// A `sleep 60` in its own process group, as the runner starts agents.
pid_t start_sleeper() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execlp("sleep", "sleep", "60", nullptr);
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  return pid;
}

void record(state::StateDb& db, pid_t pgid, std::int64_t start, std::int64_t owner, std::int64_t owner_start) {
  db.execute("INSERT INTO processes (pgid, start_time, issue, command, owner_pid, owner_start) "
             "VALUES (?1, ?2, '1', 'claude -p build', ?3, ?4)",
             {std::int64_t(pgid), start, owner, owner_start});
}

struct Stop {};

} // namespace

TEST_CASE("process ledger: a child is recorded with its issue while it runs and forgotten once reaped", "[state]") {
  const fs::path path = temp_db("record");
  state::StateDb db(path);
  state::ProcessLedger ledger(path);
  const state::ProcessLedger::IssueTag tag("ENG-7");
  services::LocalProcessRunner runner;
  sdk::ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo up; sleep 60"};
  std::vector<state::Row> seen;
  CHECK_THROWS_AS(runner.run(spec,
                             [&](sdk::Stream, const std::string&) {
                               seen = db.query("SELECT issue, command, owner_pid FROM processes");
                               throw Stop{};
                             },
                             sdk::CancelToken{}),
                  Stop);
  REQUIRE(seen.size() == 1);
  CHECK(state::as_string(seen[0][0]) == "ENG-7");
  CHECK(state::as_string(seen[0][1]) == "sh -c echo up; sleep 60");
  CHECK(state::as_int(seen[0][2]) == ::getpid());
  CHECK(db.query("SELECT 1 FROM processes").empty());
  CHECK(state::find_orphans(db).empty()); // its owner (this process) lives
  fs::remove_all(path.parent_path());
}

TEST_CASE("process ledger: the group of a dead owner is ended; a live owner's and a reused pid are left alone",
          "[state]") {
  const fs::path path = temp_db("orphans");
  state::StateDb db(path);
  const pid_t orphan = start_sleeper();
  const pid_t kept = start_sleeper();
  const pid_t reused = start_sleeper();
  const auto me = std::int64_t(::getpid());
  const auto my_start = std::int64_t(*state::process_start_time(me));
  const auto start_of = [](pid_t pid) { return std::int64_t(*state::process_start_time(pid)); };
  record(db, orphan, start_of(orphan), me, my_start + 1);   // owner: a process that is gone
  record(db, kept, start_of(kept), me, my_start);           // owner: this live process
  record(db, reused, start_of(reused) - 1, me, my_start + 1); // the pid now names another process

  auto found = state::find_orphans(db);
  REQUIRE(found.size() == 1);
  CHECK(found[0].pgid == orphan);
  CHECK(describe(found[0]) == "process group " + std::to_string(orphan) + " (issue \"1\": claude -p build), left by " +
                                  "fanout process " + std::to_string(me));
  CHECK(db.query("SELECT 1 FROM processes WHERE pgid = ?1", {std::int64_t(reused)}).empty()); // forgotten

  auto ended = state::end_orphans(db, std::chrono::seconds(5));
  REQUIRE(ended.size() == 1);
  int status = 0;
  REQUIRE(::waitpid(orphan, &status, 0) == orphan);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK(state::find_orphans(db).empty());
  CHECK(::waitpid(kept, &status, WNOHANG) == 0); // still running
  CHECK(::waitpid(reused, &status, WNOHANG) == 0);
  for (pid_t pid : {kept, reused}) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  fs::remove_all(path.parent_path());
}
