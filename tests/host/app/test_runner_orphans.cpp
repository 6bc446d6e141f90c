// What a runner made that no live run owns: judged by the run lock and run id, only
// for resources labelled with this checkout's repo id.
#include "host/app/runner_orphans.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/state/run_lock.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace fanout;

namespace {

class ListedRunner final : public sdk::Runner {
public:
  std::vector<sdk::RunnerResource> made;
  std::vector<std::string> removed;
  std::string refuse; ///< the id remove() fails for

  sdk::Result<sdk::RunnerResult> run(const sdk::RunnerSession&, const sdk::LineCallback&,
                                     const sdk::CancelToken&) override {
    return sdk::fail(sdk::FailureKind::unsupported, "not here");
  }
  sdk::Result<std::vector<sdk::RunnerResource>> list(const std::string&, const sdk::CancelToken&) override {
    return made;
  }
  sdk::Result<void> remove(const sdk::RunnerResource& resource, const sdk::CancelToken&) override {
    if (resource.id == refuse) return sdk::fail(sdk::FailureKind::auth, "403: may not delete jobs");
    removed.push_back(resource.id);
    return {};
  }
};

} // namespace

TEST_CASE("runner orphans: a live run owns its own run's resources, nothing else and no other repo's", "[app][runner]") {
  test::TempDir dir("runner-orphans");
  const auto state_dir = dir / ".fanout";
  std::filesystem::create_directories(state_dir);
  pipeline::RunStore store(state_dir / "state.db");
  store.begin("7");
  const auto live_run = std::to_string(store.get("7")->created_at);
  state::LockHolder holder;
  auto taken = state::RunLock::take(state_dir, "7", holder);
  REQUIRE(taken.ok());
  auto& lock = *taken;
  REQUIRE(lock);

  ListedRunner runner;
  runner.made = {{"job/live", {"repo-1", "7", live_run, "build"}, "running", ""},
                 {"job/older", {"repo-1", "7", "1", "build"}, "failed", ""},
                 {"job/dead", {"repo-1", "8", "2", "fix-1"}, "succeeded", ""},
                 {"job/theirs", {"repo-2", "8", "2", "build"}, "running", ""}};
  const app::RunnerScope scope{runner, "k", "repo-1", state_dir};

  auto orphans = app::runner_orphans(runner, "repo-1", state_dir, sdk::CancelToken());
  REQUIRE(orphans.ok());
  std::vector<std::string> ids;
  for (const auto& orphan : *orphans) ids.push_back(orphan.id);
  CHECK(ids == std::vector<std::string>{"job/older", "job/dead"});

  auto findings = app::runner_findings(scope, sdk::CancelToken());
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].first == "[runner] k left job/older (issue \"7\", run 1, stage \"build\", failed), which no live run owns");
  CHECK(findings[0].second == "fanout clean --orphans");

  runner.refuse = "job/dead";
  auto cleaned = app::clean_runner_orphans(scope, false, sdk::CancelToken());
  CHECK(cleaned.done == std::vector<std::string>{"removed job/older (issue \"7\", run 1, stage \"build\", failed)"});
  CHECK(cleaned.errors == std::vector<std::string>{"[runner] k: cannot remove job/dead: 403: may not delete jobs"});
  CHECK(runner.removed == std::vector<std::string>{"job/older"});

  // Once the run is no longer live, its resources are leftovers too.
  lock.reset();
  auto after = app::runner_orphans(runner, "repo-1", state_dir, sdk::CancelToken());
  REQUIRE(after.ok());
  CHECK(after->size() == 3);
}
