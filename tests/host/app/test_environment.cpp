// Environment: the plugins of `fanout run`; an agent provider that cannot be made is named
// with its [agent.<name>] table, for the builder and for a reviewer's agent alike.
#include "host/app/environment.hpp"
#include "host/util/error.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

namespace {

constexpr const char* k_local = "[tracker]\nkind = \"local\"\n\n[codehost]\nkind = \"local\"\n\n";

} // namespace

TEST_CASE("environment: an unknown builder is named with its [agent.x] table", "[app]") {
  test::AppRepo repo(std::string(k_local) + "[agent]\nprovider = \"claude-cod\"\n");
  auto registry = test::built_plugins();
  std::string error;
  try {
    app::Environment environment(repo.config(), *registry);
  } catch (const UserError& e) {
    error = e.what();
    CHECK(e.code() == ExitCode::failure);
  }
  CHECK(error == "[agent.claude-cod]: unknown plugin \"claude-cod\" (did you mean \"claude-code\"?)");
}

TEST_CASE("environment: a reviewer's unknown agent provider is named with its [agent.x] table", "[app]") {
  test::AppRepo repo(std::string(k_local) +
                     "[agent]\nprovider = \"replay\"\n\n[[review]]\nplugin = \"agent-review\"\nprovider = \"nobody\"\n");
  auto registry = test::built_plugins();
  app::Environment environment(repo.config(), *registry);
  auto slots = environment.services().make_reviewers(
      [](std::string_view, std::string_view, sdk::AgentProvider& inner) { return &inner; });
  REQUIRE(slots.ok());
  REQUIRE(slots->size() == 1);
  auto review = slots->front().reviewer->review(sdk::ReviewRequest{}, sdk::CancelToken{});
  REQUIRE_FALSE(review.ok());
  CHECK(review.failure().message == "[agent.nobody]: unknown plugin \"nobody\"");
}
