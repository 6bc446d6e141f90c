// kill_all_now (the second Ctrl-C): children that ignore SIGTERM are killed, children that
// obey it are not; and through the built fanout: two Ctrl-C leave no agent behind.
#include "host/services/process_runner.hpp"
#include "tests/support/shell_spec.hpp"
#include "tests/support/wait.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

using namespace fanout;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

using fanout::test::process_gone;

namespace {

/// Runs `script` on its own thread; started() returns once it printed "started".
class Background {
public:
  explicit Background(const std::string& script) {
    m_result = std::async(std::launch::async, [this, spec = test::shell_spec(script)] {
      return m_runner.run(
          spec,
          [this](sdk::Stream, const std::string& line) {
            if (line != "started") return;
            std::lock_guard lock(m_mutex);
            m_started = true;
            m_cv.notify_all();
          },
          {});
    });
  }
  bool started() {
    std::unique_lock lock(m_mutex);
    return m_cv.wait_for(lock, 30s, [this] { return m_started; });
  }
  sdk::Result<sdk::ProcessResult> result() { return m_result.get(); }

private:
  services::LocalProcessRunner m_runner{nullptr};
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_started = false;
  std::future<sdk::Result<sdk::ProcessResult>> m_result;
};

} // namespace

TEST_CASE("kill_all_now: a child that ignores SIGTERM is killed after the grace", "[process]") {
  Background child("trap '' TERM; echo started; while :; do sleep 1; done");
  REQUIRE(child.started());
  CHECK(services::live_process_groups() == 1);
  CHECK(services::kill_all_now(200ms) == 1);
  auto result = child.result();
  REQUIRE(result.ok());
  CHECK((result->signaled || result->cancelled));
  CHECK(services::live_process_groups() == 0);
}

TEST_CASE("kill_all_now: a child that exits on SIGTERM needs no SIGKILL", "[process]") {
  Background child("echo started; while :; do sleep 1; done");
  REQUIRE(child.started());
  CHECK(services::kill_all_now(20s) == 0);
  auto result = child.result();
  REQUIRE(result.ok());
  CHECK(services::live_process_groups() == 0);
  CHECK(services::kill_all_now(10ms) == 0); // nothing left: returns at once
}

TEST_CASE("fanout agent run: a second Ctrl-C exits 130 and leaves no agent, nor its setsid tools, running",
          "[process][cli]") {
  const fs::path dir = fs::temp_directory_path() / ("fanout-second-sigint-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "config" / "fanout");
  REQUIRE(std::system(("git init -q " + dir.string()).c_str()) == 0); // agent run needs a repository
  // An agent that ignores SIGTERM, says who it and its parent (fanout) are, and first starts
  // a tool the way claude runs its Bash tool: in its own session (setsid), double-forked so
  // that it is reparented at once, and deaf to SIGTERM too.
  std::ofstream(dir / "agent.sh")
      << "trap '' TERM\n"
         "(setsid sh -c 'trap \"\" TERM; echo $$ > tool.pid; while :; do sleep 1; done' > /dev/null 2>&1 &)\n"
         "echo $PPID > fanout.pid; echo $$ > agent.pid\n"
         "while :; do sleep 1; done\n";
  std::ofstream(dir / "config" / "fanout" / "config.toml")
      << "[agent]\nprovider = \"command\"\n\n[agent.command]\ncommand = [\"/bin/sh\", \"" << (dir / "agent.sh").string()
      << "\"]\n";

  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::atomic<pid_t> fanout_pid{0};
  std::atomic<bool> second_sent{false};
  sdk::ProcessSpec spec;
  spec.argv = {test::fanout_executable().string(), "agent", "run", "--provider", "command", "--workdir", dir.string(), "do it"};
  spec.workdir = dir;
  spec.env = {{"XDG_CONFIG_HOME", (dir / "config").string()}, {"XDG_DATA_HOME", (dir / "data").string()},
              {"HOME", dir.string()}, {"PATH", ::getenv("PATH") ? ::getenv("PATH") : "/usr/bin:/bin"}};
  spec.replace_env = true;
  spec.timeout = 60s;
  services::LocalProcessRunner runner(nullptr);
  auto running = std::async(std::launch::async, [&] {
    return runner.run(
        spec,
        [&](sdk::Stream stream, const std::string& line) {
          if (stream != sdk::Stream::err || line.find("fanout: stopping") == std::string::npos) return;
          // The first Ctrl-C was taken: send the second from here, at once, well inside the
          // 3 s the first one gives the agent before its own SIGKILL.
          second_sent = ::kill(fanout_pid.load(), SIGINT) == 0;
          std::lock_guard lock(mutex);
          stopping = true;
          cv.notify_all();
        },
        {});
  });
  const auto read_pid = [&](const char* name) {
    std::ifstream in(dir / name);
    pid_t pid = 0;
    in >> pid;
    return pid;
  };
  REQUIRE(test::await_true("agent.pid, fanout.pid and tool.pid",
                          [&] { return read_pid("agent.pid") > 0 && read_pid("fanout.pid") > 0 && read_pid("tool.pid") > 0; },
                          20s));
  const pid_t tool_pid = read_pid("tool.pid");
  fanout_pid = read_pid("fanout.pid");
  const pid_t agent_pid = read_pid("agent.pid");
  REQUIRE(::kill(fanout_pid, SIGINT) == 0);
  {
    std::unique_lock lock(mutex);
    REQUIRE(cv.wait_for(lock, 30s, [&] { return stopping; })); // the first one was taken
  }
  CHECK(second_sent);
  auto result = running.get();
  REQUIRE(result.ok());
  INFO(result->err);
  CHECK(result->exit_code == 130);
  CHECK(result->err.find("fanout: interrupted: stopping child processes") != std::string::npos);
  CHECK(test::await_process_gone(agent_pid, 10s));
  CHECK(test::await_process_gone(tool_pid, 10s));
  if (!process_gone(tool_pid)) ::kill(tool_pid, SIGKILL);
  fs::remove_all(dir);
}
