// A git that cannot start: each caller words the runner's message for its own command, as it
// did before every git process went through git::run_process.
#include "host/git/changes.hpp"
#include "host/git/cli.hpp"
#include "host/services/process_runner.hpp"
#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace fanout;

namespace {

/// Runs `call` with a PATH on which there is no git (libgit2 and the test need none).
template <typename F> auto without_git_on_path(const std::filesystem::path& dir, F&& call) {
  const std::string path = std::getenv("PATH");
  ::setenv("PATH", (dir / "no-such-dir").c_str(), 1);
  auto result = call();
  ::setenv("PATH", path.c_str(), 1);
  return result;
}

constexpr const char* k_not_found = "executable \"git\" not found on PATH";

} // namespace

TEST_CASE("git start: without git on PATH each caller says so in its own words", "[git]") {
  test::agents::TempRepo repo;
  services::LocalProcessRunner runner(nullptr);
  const sdk::CancelToken cancel;
  SECTION("a git command whose output is read names the command") {
    auto out = without_git_on_path(repo.path(), [&] { return git::run(&runner, {"status"}, repo.path(), cancel); });
    REQUIRE_FALSE(out.ok());
    CHECK(out.failure().message == std::string("\"git status\" could not start: ") + k_not_found);
  }
  SECTION("the pipeline's git and the base fetch pass the runner's message on as it is") {
    auto head = without_git_on_path(repo.path(), [&] { return git::head(runner, repo.path(), cancel); });
    REQUIRE_FALSE(head.ok());
    CHECK(head.failure().message == k_not_found);
    auto fetched =
        without_git_on_path(repo.path(), [&] { return git::fetch_origin(runner, repo.path(), "main", cancel); });
    REQUIRE_FALSE(fetched.ok());
    CHECK(fetched.failure().message == k_not_found);
  }
  SECTION("the process result is the runner's failure, unworded") {
    auto ran = without_git_on_path(repo.path(), [&] { return git::run_process(&runner, {"status"}, repo.path(), cancel); });
    REQUIRE_FALSE(ran.ok());
    CHECK(ran.failure().message == k_not_found);
  }
}
