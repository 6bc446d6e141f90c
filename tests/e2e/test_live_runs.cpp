// One live run per issue across processes, and what a fanout killed with -9 leaves behind
// (docs/running.md, "One run per issue" and "After a crash").
#include "tests/support/e2e.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

using namespace fanout::test;

namespace {

/// "issue "1" is being run by process 123 (fanout -C <repo> run 1); ..."
std::string live_refusal(E2e& e2e, pid_t holder, const std::string& command) {
  return "fanout: error: issue \"1\" is being run by process " + std::to_string(holder) + " (fanout -C " +
         e2e.repo.string() + " " + command + "); wait for it to finish, or stop that process first\n";
}

} // namespace

TEST_CASE("e2e: a second run, resume or review of a live issue refuses and names the process; clean keeps it",
          "[e2e]") {
  E2e e2e;
  e2e.script("BUILD-1", R"({"mode": "hang", "once": true})");
  const pid_t first = e2e.start({"run", "1"});
  REQUIRE(e2e.wait_for_call("BUILD 1"));

  for (const auto& args : std::vector<std::vector<std::string>>{{"run", "1"}, {"resume", "1"}, {"review", "1"}}) {
    auto again = e2e.fanout(args);
    INFO(args[0] << ": " << again.out << again.err);
    CHECK(again.exit_code == 1);
    CHECK(again.err == live_refusal(e2e, first, "run 1"));
  }
  auto resume_all = e2e.fanout({"resume"});
  CHECK(resume_all.exit_code == 0);
  CHECK(resume_all.out == "nothing to resume\n"); // the live run is not picked up

  auto clean = e2e.fanout({"clean", "1"});
  CHECK(clean.exit_code == 1);
  CHECK(clean.out == "1: kept the workspace: issue \"1\" is being run by process " + std::to_string(first) +
                         " (fanout -C " + e2e.repo.string() + " run 1) (stop it first, or use --force)\n");
  CHECK(std::filesystem::exists(e2e.repo / ".fanout" / "worktrees" / "1" / ".git"));
  CHECK(e2e.calls()["BUILD 1"] == 1); // nobody started a second builder

  ::kill(first, SIGTERM);
  e2e.wait(first);
}

TEST_CASE("e2e: after kill -9 the lock is free, doctor reports the orphaned agent, clean ends it", "[e2e]") {
  E2e e2e;
  e2e.script("BUILD-1", R"({"mode": "hang", "once": true})");
  const pid_t first = e2e.start({"run", "1"});
  REQUIRE(e2e.wait_for_call("BUILD 1"));
  REQUIRE(e2e.wait_for_agent_event("1", "build"));
  const pid_t agent = e2e.call_pid("BUILD 1");
  ::kill(first, SIGKILL);
  e2e.wait(first);
  REQUIRE(::kill(agent, 0) == 0); // the orphan: its fanout is gone, it still runs

  auto doctor = e2e.fanout({"doctor"});
  INFO(doctor.out << doctor.err);
  CHECK(doctor.out.find("process group " + std::to_string(agent) + " (issue \"1\": claude ") != std::string::npos);
  CHECK(doctor.out.find("left by fanout process " + std::to_string(first) + ", which is gone, still runs\n  fix: "
                        "fanout clean --orphans") != std::string::npos);

  auto clean = e2e.fanout({"clean", "1"});
  INFO(clean.out << clean.err);
  CHECK(clean.out.rfind("ended process group " + std::to_string(agent) + " (issue \"1\": claude ", 0) == 0);
  CHECK(await_process_gone(agent));
  CHECK(clean.exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(e2e.repo / ".fanout" / "worktrees" / "1"));
  CHECK(e2e.fanout({"doctor"}).out.find("process group") == std::string::npos);
}
