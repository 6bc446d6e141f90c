// The run use cases behind `fanout approve` and `fanout resume` (and the dashboard's
// buttons): which runs are resumable, and approving a plan through one run-store operation.
#include "host/app/run_actions.hpp"
#include "host/state/run_lock.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using pipeline::RunState;
namespace stage = pipeline::stage;

namespace {

/// A run store in a temp dir with runs in the given states.
struct Store {
  test::agents::TempRepo dir{false};
  pipeline::RunStore store{state::StateDb::path_for(dir.path())};

  void add(const std::string& issue, std::string_view at, RunState state) {
    store.begin(issue);
    store.enter_stage(issue, at);
    if (state != RunState::running) store.set_state(issue, state);
  }
};

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("resumable runs: every unfinished run nobody drives, or each named one", "[app]") {
  Store s;
  s.add("done", stage::report, RunState::done);
  s.add("human", stage::report, RunState::needs_human);
  s.add("failed", stage::build, RunState::failed);
  s.add("plan", stage::approve_plan, RunState::needs_human);
  s.add("killed", stage::build, RunState::running); // its process died: nobody holds its lock
  s.add("stopped", stage::plan, RunState::cancelled);

  SECTION("with no names: not done, not waiting for a human, not driven by a live process") {
    CHECK(app::resumable(s.store, {}) == std::vector<std::string>{"failed", "killed", "stopped"});
  }
  SECTION("a run a live process drives is left alone, and refused when named") {
    state::LockHolder holder;
    auto lock = value_or_throw(state::RunLock::take(s.store.state_dir(), "failed", holder));
    REQUIRE(lock);
    CHECK(app::resumable(s.store, {}) == std::vector<std::string>{"killed", "stopped"});
    CHECK(error_of([&] { app::resumable(s.store, {"failed"}); }).find("\"failed\"") != std::string::npos);
  }
  SECTION("named runs are taken as named, even finished ones") {
    CHECK(app::resumable(s.store, {"done", "failed"}) == std::vector<std::string>{"done", "failed"});
  }
  SECTION("a run whose pull request was merged or closed is over: skipped, and refused when named") {
    s.add("landed", "watch", RunState::merged);
    s.add("dropped", "watch", RunState::closed);
    CHECK(app::resumable(s.store, {}) == std::vector<std::string>{"failed", "killed", "stopped"});
    CHECK(error_of([&] { app::resumable(s.store, {"landed"}); }) ==
          "run \"landed\" is merged: its pull request is no longer open");
  }
  SECTION("a named run that waits for plan approval says how to approve it") {
    CHECK(error_of([&] { app::resumable(s.store, {"plan"}); }) == "run \"plan\" waits for plan approval (fanout approve plan)");
  }
  SECTION("an unknown named run") {
    CHECK(error_of([&] { app::resumable(s.store, {"nope"}); }) == "no run for issue \"nope\" (start one with: fanout run nope)");
  }
}

TEST_CASE("approve: only a run that waits for plan approval gets its plan approved", "[app]") {
  Store s;
  s.add("7", stage::approve_plan, RunState::needs_human);
  s.add("8", stage::build, RunState::running);

  SECTION("the waiting run's approve_plan stage is recorded as completed") {
    CHECK_FALSE(s.store.done("7", stage::approve_plan));
    const auto run = app::approve_plan(s.store, "7");
    CHECK(run.issue == "7");
    CHECK(s.store.done("7", stage::approve_plan));
  }
  SECTION("a run at another stage is refused and not written") {
    CHECK(error_of([&] { app::approve_plan(s.store, "8"); }) ==
          "run \"8\" is not waiting for plan approval (it is running at stage \"build\")");
    CHECK_FALSE(s.store.done("8", stage::approve_plan));
  }
  SECTION("an unknown run") {
    CHECK(error_of([&] { app::approve_plan(s.store, "9"); }) == "no run for issue \"9\" (start one with: fanout run 9)");
  }
  SECTION("the dashboard's check agrees with approve") {
    CHECK(app::approvable(s.store, "7").issue == "7");
    CHECK(error_of([&] { app::approvable(s.store, "8"); }) ==
          "run \"8\" is not waiting for plan approval (it is running at stage \"build\")");
  }
}
