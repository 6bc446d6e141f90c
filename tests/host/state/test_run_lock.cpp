#include "host/state/run_lock.hpp"
#include "host/util/error.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using fanout::state::LockHolder;
using fanout::state::RunLock;
using fanout::value_or_throw;

namespace {
fs::path temp_repo(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("fanout-lock-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / ".fanout"; // the state dir of a repository at `dir`
}
} // namespace

TEST_CASE("run lock: one holder per issue; the second is told who holds it; released on destruction", "[state]") {
  const fs::path repo = temp_repo("one");
  CHECK_FALSE(RunLock::holder(repo, "1"));
  LockHolder held_by;
  auto first = value_or_throw(RunLock::take(repo, "1", held_by));
  REQUIRE(first);
  auto holder = RunLock::holder(repo, "1");
  REQUIRE(holder);
  CHECK(holder->pid == ::getpid());
  CHECK(holder->command.find("tests_host_state") == 0);
  CHECK(describe(*holder) == "process " + std::to_string(::getpid()) + " (" + holder->command + ")");

  CHECK_FALSE(value_or_throw(RunLock::take(repo, "1", held_by)));
  CHECK(held_by.pid == ::getpid());
  auto other = value_or_throw(RunLock::take(repo, "2", held_by)); // another issue is free
  CHECK(other);

  first.reset();
  CHECK_FALSE(RunLock::holder(repo, "1"));
  CHECK(value_or_throw(RunLock::take(repo, "1", held_by)));
  fs::remove_all(repo.parent_path());
}

TEST_CASE("run lock: a hostile issue key names a file inside the locks folder", "[state]") {
  const fs::path repo = temp_repo("keys");
  LockHolder held_by;
  auto lock = value_or_throw(RunLock::take(repo, "../../escape", held_by));
  REQUIRE(lock);
  CHECK_FALSE(fs::exists(repo.parent_path() / "escape.lock"));
  CHECK_FALSE(fs::exists(repo / "escape.lock"));
  int files = 0;
  for (const auto& entry : fs::directory_iterator(repo / "locks")) files += entry.is_regular_file();
  CHECK(files == 1);
  CHECK(RunLock::holder(repo, "../../escape"));
  CHECK_FALSE(RunLock::holder(repo, "escape"));
  fs::remove_all(repo.parent_path());
}

TEST_CASE("run lock: the lock of a process killed with -9 is free at once", "[state]") {
  const fs::path repo = temp_repo("kill");
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    LockHolder ignored;
    auto lock = value_or_throw(RunLock::take(repo, "7", ignored));
    const char byte = lock ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  REQUIRE(byte == 'y');
  auto holder = RunLock::holder(repo, "7");
  REQUIRE(holder);
  CHECK(holder->pid == child);

  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK_FALSE(RunLock::holder(repo, "7"));
  LockHolder held_by;
  CHECK(value_or_throw(RunLock::take(repo, "7", held_by)));
  ::close(ready[0]);
  fs::remove_all(repo.parent_path());
}

TEST_CASE("run lock: a lock file that cannot be opened is a failure naming it", "[state]") {
  const fs::path repo = temp_repo("unopenable");
  // A folder where the locks folder must be: the lock file under it cannot be made.
  fs::create_directories(repo);
  { std::ofstream(repo / "locks") << "not a folder"; }
  LockHolder held_by;
  const auto taken = RunLock::take(repo, "7", held_by);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.failure().message ==
        "cannot open lock file \"" + (repo / "locks" / "37.lock").string() + "\": Not a directory");
  fs::remove_all(repo.parent_path());
}
