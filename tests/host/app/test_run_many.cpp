// What `fanout run` decides before its fleet starts: the issues (named, or by label) and one
// live run per issue.
#include "host/app/run_many.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

namespace {

/// Lists issues "3" and "4" under label "ready"; fails for label "down".
class LabelTracker final : public sdk::IssueTracker {
public:
  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery& query, const sdk::CancelToken&) override {
    if (query.labels == std::vector<std::string>{"down"}) return sdk::fail(sdk::FailureKind::error, "HTTP 503");
    std::vector<sdk::Issue> issues;
    if (query.labels == std::vector<std::string>{"ready"})
      for (const char* key : {"3", "4"}) issues.push_back(sdk::Issue{key});
    return issues;
  }
  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken&) override { return sdk::Issue{key}; }
  sdk::Result<void> comment(const std::string&, const std::string&, const sdk::CancelToken&) override { return {}; }
};

std::pair<std::string, ExitCode> error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const UserError& e) {
    return {e.what(), e.code()};
  }
  return {"(no error)", ExitCode::ok};
}

} // namespace

TEST_CASE("run many: the named issues, then those with the label", "[app]") {
  LabelTracker tracker;
  CHECK(app::issues_to_run(tracker, {"7"}, "") == std::vector<std::string>{"7"});
  CHECK(app::issues_to_run(tracker, {"7"}, "ready") == std::vector<std::string>{"7", "3", "4"});
  SECTION("a label no open issue has") {
    CHECK(error_of([&] { app::issues_to_run(tracker, {}, "later"); }) ==
          std::pair<std::string, ExitCode>{"no open issues are labelled \"later\"", ExitCode::failure});
  }
  SECTION("a tracker that cannot list") {
    CHECK(error_of([&] { app::issues_to_run(tracker, {"7"}, "down"); }).first ==
          "cannot list issues labelled \"down\": HTTP 503");
  }
  SECTION("nothing at all is a usage error") {
    CHECK(error_of([&] { app::issues_to_run(tracker, {}, ""); }) ==
          std::pair<std::string, ExitCode>{"no issues to run (name them, or pass --label)", ExitCode::usage});
  }
}

TEST_CASE("run many: an issue another run holds is refused, naming that run's process", "[app]") {
  test::agents::TempRepo repo{false};
  auto held = app::lock_runs(repo.path(), {"7"});
  REQUIRE(held.size() == 1);
  const auto state_dir = state::StateDb::path_for(repo.path()).parent_path();
  const auto holder = state::RunLock::holder(state_dir, "7");
  REQUIRE(holder);
  CHECK(error_of([&] { app::lock_runs(repo.path(), {"8", "7"}); }).first == state::live_run_message("7", *holder));
  // The refused call let go of "8": another run may take it.
  CHECK(app::lock_runs(repo.path(), {"8"}).size() == 1);
}
