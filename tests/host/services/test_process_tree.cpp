// Nothing a child started outlives its run: not a tool in its own session (setsid, as
// claude runs its Bash tool), not a double-forked process reparented to init.

#include "host/services/process_runner.hpp"
#include "host/services/process_tree.hpp"
#include "tests/support/shell_spec.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include <signal.h>
#include <unistd.h>

using namespace fanout;
using namespace std::chrono_literals;

using fanout::test::process_gone;

namespace {

/// A leader that starts a SIGTERM-deaf sleeper in its own session, double-forked (so it is
/// reparented at once) and detached from the output pipes, then runs `then`.
sdk::ProcessSpec escaping(const std::string& then) {
  auto spec = test::shell_spec("(setsid sh -c 'trap \"\" TERM; echo $$; exec sleep 300 > /dev/null 2>&1' &); " + then);
  spec.kill_grace = 300ms;
  return spec;
}

/// Runs `spec` and returns the pid the sleeper printed.
pid_t run_and_get_sleeper(services::LocalProcessRunner& runner, const sdk::ProcessSpec& spec,
                          const sdk::CancelToken& cancel = {}) {
  std::atomic<pid_t> sleeper{0};
  auto result = runner.run(
      spec, [&](sdk::Stream stream, const std::string& line) { if (stream == sdk::Stream::out) sleeper = std::stoi(line); },
      cancel);
  REQUIRE(result.ok());
  REQUIRE(sleeper > 0);
  return sleeper;
}

} // namespace

TEST_CASE("process runner: a setsid, double-forked child does not outlive its run", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  pid_t sleeper = 0;
  SECTION("the leader exits on its own") { sleeper = run_and_get_sleeper(runner, escaping("sleep 0.2")); }
  SECTION("the leader is killed at the timeout") {
    auto spec = escaping("sleep 300");
    spec.timeout = 500ms;
    sleeper = run_and_get_sleeper(runner, spec);
  }
  SECTION("the run is cancelled") {
    sdk::CancelToken cancel;
    std::thread canceller([&] {
      std::this_thread::sleep_for(300ms);
      cancel.cancel();
    });
    sleeper = run_and_get_sleeper(runner, escaping("sleep 300"), cancel);
    canceller.join();
  }
  CHECK(test::await_process_gone(sleeper, 5s));
  if (!process_gone(sleeper)) ::kill(sleeper, SIGKILL);
  CHECK(services::live_process_groups() == 0);
}

TEST_CASE("process tree: the child's tag marks what it starts, and only that", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  auto spec = test::shell_spec("echo \"$FANOUT_PROCESS_TAG\"");
  spec.env = {{"FANOUT_PROCESS_TAG", "forged"}};
  spec.replace_env = true;
  std::vector<std::string> tags;
  for (int i = 0; i < 2; ++i)
    REQUIRE(runner.run(spec, [&](sdk::Stream, const std::string& line) { tags.push_back(line); }, {}).ok());
  REQUIRE(tags.size() == 2);
  CHECK(tags[0] != "forged"); // the runner's own tag wins over one in the spec
  CHECK(tags[0] != tags[1]);
  CHECK(tags[0].rfind(std::to_string(::getpid()) + "-", 0) == 0);
}
