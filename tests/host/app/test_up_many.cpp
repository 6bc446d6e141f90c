// `fanout up` of many issues as a use case: titles from the tracker, one bounded pool, one
// issue's failure never stopping the others, nothing new after a cancel.
#include "host/app/up_many.hpp"
#include "host/services/process_runner.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace fanout;

namespace {

/// Knows issues "1" and "2"; "gone" does not exist; anything else fails as an outage.
class FakeTracker final : public sdk::IssueTracker {
public:
  std::atomic<int> gets{0};
  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery&, const sdk::CancelToken&) override {
    return std::vector<sdk::Issue>{};
  }
  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken&) override {
    ++gets;
    if (key == "gone") return sdk::fail(sdk::FailureKind::not_found, "issue \"gone\" does not exist");
    if (key != "1" && key != "2") return sdk::fail(sdk::FailureKind::error, "tracker is down");
    sdk::Issue issue;
    issue.key = key;
    issue.title = "Title of " + key;
    return issue;
  }
  sdk::Result<void> comment(const std::string&, const std::string&, const sdk::CancelToken&) override { return {}; }
};

struct Up {
  test::AppRepo repo;
  services::LocalProcessRunner runner{nullptr};
  workspace::WorkspaceManager manager{workspace::Settings::from(repo.config()), nullptr, &runner};
  FakeTracker tracker;
  std::vector<std::string> warnings;
  std::vector<app::UpOutcome> up(const std::vector<std::string>& keys, const sdk::CancelToken& cancel = {}) {
    app::UpOptions options;
    options.parallel = 2;
    options.warn = [this](const std::string& message) { warnings.push_back(message); };
    return app::up_many(manager, &tracker, keys, options, cancel);
  }
};

} // namespace

TEST_CASE("up many: every issue gets its workspace, named by its title, in the order asked", "[app]") {
  Up u;
  const auto outcomes = u.up({"2", "1"});
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].key == "2");
  CHECK(outcomes[1].key == "1");
  for (const auto& outcome : outcomes) {
    INFO(outcome.error);
    REQUIRE(outcome.workspace);
    CHECK(outcome.workspace->record.branch == "fanout/" + outcome.key + "-title-of-" + outcome.key);
    CHECK(std::filesystem::is_directory(outcome.workspace->record.path));
  }
  CHECK(u.warnings.empty());
}

TEST_CASE("up many: one issue's failure never stops the others", "[app]") {
  Up u;
  const auto outcomes = u.up({"gone", "1", "7"});
  REQUIRE(outcomes.size() == 3);
  SECTION("an issue the tracker does not have fails alone, with the tracker's message") {
    CHECK_FALSE(outcomes[0].workspace);
    CHECK(outcomes[0].error == "issue \"gone\" does not exist");
    CHECK_FALSE(outcomes[0].cancelled);
    CHECK(outcomes[1].workspace);
  }
  SECTION("a title the tracker cannot give is a warning: the workspace is named by the key") {
    REQUIRE(outcomes[2].workspace);
    CHECK(outcomes[2].workspace->record.branch.rfind("fanout/7-", 0) == 0);
    CHECK(u.warnings == std::vector<std::string>{"no title for \"7\": tracker is down"});
  }
}

TEST_CASE("up many: after a cancel nothing new starts", "[app]") {
  Up u;
  sdk::CancelToken cancel;
  cancel.cancel();
  const auto outcomes = u.up({"1", "2"}, cancel);
  CHECK(u.tracker.gets == 0); // no titles are read once cancelled
  for (const auto& outcome : outcomes) {
    CHECK(outcome.cancelled);
    CHECK_FALSE(outcome.begun);
    CHECK_FALSE(outcome.workspace);
    CHECK(outcome.error.empty());
  }
  CHECK(u.manager.list().empty());
}
