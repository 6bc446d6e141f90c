#include "host/services/process_runner.hpp"
#include "tests/support/shell_spec.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

using namespace fanout;
using namespace std::chrono_literals;

using fanout::test::process_gone;
using fanout::test::shell_spec;

namespace {

struct Lines {
  std::mutex mutex;
  std::vector<std::string> out, err;
  sdk::LineCallback callback() {
    return [this](sdk::Stream stream, const std::string& line) {
      std::lock_guard lock(mutex);
      (stream == sdk::Stream::out ? out : err).push_back(line);
    };
  }
};

} // namespace

TEST_CASE("process runner: streams stdout and stderr line by line", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  Lines lines;
  auto result = runner.run(shell_spec("echo a; echo b >&2; echo c; printf 'partial'"), lines.callback(), {});
  REQUIRE(result.ok());
  CHECK(lines.out == std::vector<std::string>{"a", "c", "partial"});
  CHECK(lines.err == std::vector<std::string>{"b"});
  CHECK(result->out == "a\nc\npartial");
  CHECK(result->err == "b\n");
  CHECK(result->exit_code == 0);
  CHECK_FALSE(result->signaled);
}

TEST_CASE("process runner: reports exit codes and signals", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  SECTION("exit code") {
    auto result = runner.run(shell_spec("exit 3"), {}, {});
    REQUIRE(result.ok());
    CHECK(result->exit_code == 3);
    CHECK_FALSE(result->signaled);
  }
  SECTION("killed by a signal") {
    auto result = runner.run(shell_spec("kill -SEGV $$"), {}, {});
    REQUIRE(result.ok());
    CHECK(result->signaled);
    CHECK(result->signal == SIGSEGV);
    CHECK_FALSE(result->timed_out);
  }
}

TEST_CASE("process runner: missing executable is not_found with its name", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  sdk::ProcessSpec spec;
  SECTION("bare name searched on PATH") {
    spec.argv = {"fanout-no-such-agent"};
    auto result = runner.run(spec, {}, {});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().kind == sdk::FailureKind::not_found);
    CHECK(result.failure().message == "executable \"fanout-no-such-agent\" not found on PATH");
  }
  SECTION("the child's PATH is the one searched") {
    spec.argv = {"sh"};
    spec.env = {{"PATH", "/nonexistent"}};
    spec.replace_env = true;
    auto result = runner.run(spec, {}, {});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().message == "executable \"sh\" not found on PATH");
  }
  SECTION("a path") {
    spec.argv = {"./bin/nothing-here"};
    auto result = runner.run(spec, {}, {});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().message == "executable \"./bin/nothing-here\" not found");
  }
  SECTION("a missing working directory") {
    spec = shell_spec("true");
    spec.workdir = "/nonexistent/fanout-dir";
    auto result = runner.run(spec, {}, {});
    REQUIRE_FALSE(result.ok());
    CHECK(result.failure().message == "working directory \"/nonexistent/fanout-dir\" does not exist");
  }
}

TEST_CASE("process runner: stdin from data or /dev/null", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  Lines lines;
  SECTION("data is written then stdin closed") {
    auto spec = shell_spec("cat");
    spec.stdin_data = "hello\nworld";
    auto result = runner.run(spec, lines.callback(), {});
    REQUIRE(result.ok());
    CHECK(lines.out == std::vector<std::string>{"hello", "world"});
  }
  SECTION("large data does not deadlock against a child writing as much") {
    auto spec = shell_spec("cat");
    spec.stdin_data = std::string(4 << 20, 'x');
    spec.keep_bytes = 16;
    auto result = runner.run(spec, {}, {});
    REQUIRE(result.ok());
    CHECK(result->out == std::string(16, 'x'));
  }
  SECTION("without data stdin is empty") {
    auto result = runner.run(shell_spec("cat; echo end"), lines.callback(), {});
    REQUIRE(result.ok());
    CHECK(lines.out == std::vector<std::string>{"end"});
  }
}

TEST_CASE("process runner: keep_bytes keeps the tail", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  auto spec = shell_spec("i=0; while [ $i -lt 1000 ]; do echo line$i; i=$((i+1)); done");
  spec.keep_bytes = 16;
  int count = 0;
  auto result = runner.run(spec, [&](sdk::Stream, const std::string&) { ++count; }, {});
  REQUIRE(result.ok());
  CHECK(count == 1000);
  CHECK(result->out == "line998\nline999\n");
}

TEST_CASE("process runner: environment and working directory", "[process]") {
  char dir_template[] = "/tmp/fanout-proc-XXXXXX";
  std::string dir = mkdtemp(dir_template);
  Lines lines;
  SECTION("replace_env passes exactly the given variables, plus the runner's process tag") {
    services::LocalProcessRunner runner(nullptr);
    sdk::ProcessSpec spec;
    spec.argv = {"/usr/bin/env"};
    spec.env = {{"ONLY", "this"}};
    spec.replace_env = true;
    REQUIRE(runner.run(spec, lines.callback(), {}).ok());
    REQUIRE(lines.out.size() == 2);
    CHECK(lines.out[0].rfind("FANOUT_PROCESS_TAG=", 0) == 0);
    CHECK(lines.out[1] == "ONLY=this");
  }
  SECTION("otherwise the host environment minus secrets, plus the spec's") {
    setenv("FANOUT_TEST_PLAIN", "plain", 1);
    setenv("FANOUT_TEST_TOKEN", "tok-secret-123456", 1);
    services::SecretRegistry secrets;
    secrets.add("tok-secret-123456");
    services::LocalProcessRunner runner(&secrets);
    auto spec = shell_spec("echo \"$FANOUT_TEST_PLAIN/$FANOUT_TEST_TOKEN/$EXTRA\"");
    spec.env = {{"EXTRA", "x"}};
    REQUIRE(runner.run(spec, lines.callback(), {}).ok());
    CHECK(lines.out == std::vector<std::string>{"plain//x"});
  }
  SECTION("workdir") {
    services::LocalProcessRunner runner(nullptr);
    auto spec = shell_spec("pwd");
    spec.workdir = dir;
    REQUIRE(runner.run(spec, lines.callback(), {}).ok());
    CHECK(lines.out == std::vector<std::string>{dir});
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("process runner: timeout kills the whole process group", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  SECTION("grandchildren die with the leader") {
    std::atomic<pid_t> grandchild{0};
    auto spec = shell_spec("sleep 300 & echo $!; wait");
    spec.timeout = 300ms;
    auto result = runner.run(spec, [&](sdk::Stream, const std::string& line) { grandchild = std::stoi(line); }, {});
    REQUIRE(result.ok());
    CHECK(result->timed_out);
    CHECK_FALSE(result->cancelled);
    CHECK(result->signaled);
    CHECK(result->signal == SIGTERM);
    REQUIRE(grandchild > 0);
    CHECK(test::await_process_gone(grandchild));
  }
  SECTION("SIGTERM first: a child may exit cleanly") {
    auto spec = shell_spec("trap 'echo term; exit 7' TERM; sleep 300 & wait");
    spec.timeout = 300ms;
    Lines lines;
    auto result = runner.run(spec, lines.callback(), {});
    REQUIRE(result.ok());
    CHECK(result->timed_out);
    CHECK(result->exit_code == 7);
    CHECK(lines.out == std::vector<std::string>{"term"});
  }
  SECTION("SIGKILL after the grace period when SIGTERM is ignored") {
    auto spec = shell_spec("trap '' TERM; while :; do sleep 0.05; done");
    spec.timeout = 200ms;
    spec.kill_grace = 300ms;
    auto result = runner.run(spec, {}, {});
    REQUIRE(result.ok());
    CHECK(result->timed_out);
    CHECK(result->signaled);
    CHECK(result->signal == SIGKILL);
    CHECK(result->duration >= 500ms);
    CHECK(result->duration < 5s);
  }
  CHECK(services::live_process_groups() == 0);
}

TEST_CASE("process runner: a leader's leftover background jobs are terminated", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  pid_t background = 0;
  auto result = runner.run(shell_spec("sleep 300 & echo $!"),
                           [&](sdk::Stream, const std::string& line) { background = std::stoi(line); }, {});
  REQUIRE(result.ok());
  CHECK(result->exit_code == 0);
  CHECK(result->duration < 3s);
  REQUIRE(background > 0);
  CHECK(test::await_process_gone(background));
}

TEST_CASE("process runner: cancel and terminate_all stop a running child", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  SECTION("cancel token") {
    sdk::CancelToken cancel;
    auto result = runner.run(shell_spec("echo started; sleep 300"),
                             [&](sdk::Stream, const std::string&) { cancel.cancel(); }, cancel);
    REQUIRE(result.ok());
    CHECK(result->cancelled);
    CHECK_FALSE(result->timed_out);
    CHECK(result->duration < 3s);
  }
  SECTION("terminate_all") {
    std::promise<void> started; // the child's one line
    auto printed = started.get_future();
    std::optional<sdk::Result<sdk::ProcessResult>> result;
    std::thread worker([&] {
      result.emplace(runner.run(shell_spec("echo started; sleep 300"),
                                [&](sdk::Stream, const std::string&) { started.set_value(); }, {}));
    });
    if (printed.wait_for(20s) != std::future_status::ready) {
      services::terminate_all();
      worker.join();
      FAIL("timed out after 20 s waiting for the child to print \"started\"");
    }
    CHECK(services::terminate_all() == 1);
    worker.join();
    REQUIRE(result->ok());
    CHECK((*result)->cancelled);
  }
  SECTION("an exception from the callback kills and reaps the child") {
    pid_t pid = 0;
    CHECK_THROWS_WITH(runner.run(shell_spec("echo $$; sleep 300"),
                                 [&](sdk::Stream, const std::string& line) {
                                   pid = std::stoi(line);
                                   throw std::runtime_error("stop");
                                 },
                                 {}),
                      "stop");
    REQUIRE(pid > 0);
    CHECK(process_gone(pid));
  }
  CHECK(services::live_process_groups() == 0);
}

TEST_CASE("process runner: twenty sessions at once do not block each other", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  constexpr int k_sessions = 20;
  std::vector<std::thread> threads;
  std::vector<int> line_counts(k_sessions, 0), exit_codes(k_sessions, -1);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < k_sessions; ++i) {
    threads.emplace_back([&, i] {
      auto spec = shell_spec("i=0; while [ $i -lt 10 ]; do echo $i; sleep 0.05; i=$((i+1)); done");
      auto result = runner.run(spec, [&](sdk::Stream, const std::string&) { ++line_counts[i]; }, {});
      if (result.ok()) exit_codes[i] = result->exit_code;
    });
  }
  for (auto& thread : threads) thread.join();
  auto elapsed = std::chrono::steady_clock::now() - start;
  for (int i = 0; i < k_sessions; ++i) {
    CHECK(line_counts[i] == 10);
    CHECK(exit_codes[i] == 0);
  }
  // Serially this takes 20 x 0.5 s; concurrently about 0.5 s.
  CHECK(elapsed < 5s);
}
