// A line callback that returns LineAction::stop ends its process: how a plugin stops a CLI
// from inside its output without throwing through the host.
#include "host/services/process_runner.hpp"
#include "tests/support/shell_spec.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <signal.h>

using namespace fanout;
using namespace std::chrono_literals;

using fanout::test::process_gone;
using fanout::test::shell_spec;

TEST_CASE("process runner: a line callback that returns stop ends the process and is not called again",
          "[process]") {
  services::LocalProcessRunner runner(nullptr);
  std::vector<std::string> seen;
  // The child prints more lines in the same write as the first, and then would run for minutes.
  auto result = runner.run(shell_spec("printf '%s\\nsecond\\nthird\\n' $$; echo late >&2; sleep 300"),
                           [&](sdk::Stream, const std::string& line) {
                             seen.push_back(line);
                             return sdk::LineAction::stop;
                           },
                           {});
  REQUIRE(result.ok());
  CHECK(result->stopped);
  CHECK_FALSE(result->cancelled);
  CHECK_FALSE(result->timed_out);
  CHECK(result->signaled);
  CHECK(result->signal == SIGTERM);
  CHECK(result->duration < 5s);
  REQUIRE(seen.size() == 1);
  const pid_t pid = std::stoi(seen[0]);
  CHECK(process_gone(pid));
  CHECK(result->out.find("second\nthird\n") != std::string::npos); // the tail still keeps the rest
  CHECK(services::live_process_groups() == 0);
}

TEST_CASE("process runner: a line callback keeps the process running until it returns stop", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  std::vector<std::string> seen;
  SECTION("stop on the third line") {
    auto result = runner.run(shell_spec("for i in 1 2 3 4 5; do echo $i; done; sleep 300"),
                             [&](sdk::Stream, const std::string& line) {
                               seen.push_back(line);
                               return line == "3" ? sdk::LineAction::stop : sdk::LineAction::keep;
                             },
                             {});
    REQUIRE(result.ok());
    CHECK(result->stopped);
    CHECK(seen == std::vector<std::string>{"1", "2", "3"});
  }
  SECTION("never stopping lets the process end by itself") {
    auto result = runner.run(shell_spec("echo 1; echo 2"),
                             [&](sdk::Stream, const std::string& line) {
                               seen.push_back(line);
                               return sdk::LineAction::keep;
                             },
                             {});
    REQUIRE(result.ok());
    CHECK_FALSE(result->stopped);
    CHECK(result->exit_code == 0);
    CHECK(seen == std::vector<std::string>{"1", "2"});
  }
  SECTION("a stop on the final unterminated line is reported, the exit code kept") {
    auto result = runner.run(shell_spec("printf last"),
                             [&](sdk::Stream, const std::string& line) {
                               seen.push_back(line);
                               return sdk::LineAction::stop;
                             },
                             {});
    REQUIRE(result.ok());
    CHECK(result->stopped);
    CHECK_FALSE(result->signaled);
    CHECK(result->exit_code == 0);
    CHECK(seen == std::vector<std::string>{"last"});
  }
  SECTION("a stop from stderr ends the process too") {
    auto result = runner.run(shell_spec("echo fatal >&2; sleep 300"),
                             [&](sdk::Stream stream, const std::string& line) {
                               seen.push_back(line);
                               return stream == sdk::Stream::err ? sdk::LineAction::stop : sdk::LineAction::keep;
                             },
                             {});
    REQUIRE(result.ok());
    CHECK(result->stopped);
    CHECK(result->duration < 5s);
    CHECK(seen == std::vector<std::string>{"fatal"});
  }
  CHECK(services::live_process_groups() == 0);
}

TEST_CASE("process runner: a stopped child that ignores SIGTERM is killed after its grace", "[process]") {
  services::LocalProcessRunner runner(nullptr);
  auto spec = shell_spec("trap '' TERM; echo ready; while :; do sleep 0.1; done");
  spec.kill_grace = 300ms;
  auto result = runner.run(spec, [](sdk::Stream, const std::string&) { return sdk::LineAction::stop; }, {});
  REQUIRE(result.ok());
  CHECK(result->stopped);
  CHECK(result->signaled);
  CHECK(result->signal == SIGKILL);
  CHECK(result->duration >= 300ms);
  CHECK(result->duration < 5s);
  CHECK(services::live_process_groups() == 0);
}
