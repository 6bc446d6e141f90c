// What `fanout run` does after its arguments are checked, as a use case: the issues (named
// and labelled), one live run per issue, the fleet to each run's end state, the live view.
#include "host/app/run_fleet.hpp"
#include "host/app/run_many.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"
#include "tests/host/app/app_helpers.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace fanout;
using pipeline::RunState;

namespace {

/// Local tracker and code host; an agent (`[agent.command]`, trusted in the user config) that
/// fails every session, so each run ends `failed` at its first agent stage.
constexpr const char* k_fanout_toml = "[tracker]\nkind = \"local\"\n\n[codehost]\nkind = \"local\"\n\n"
                                      "[agent]\nprovider = \"command\"\n";
constexpr const char* k_failing_agent = "[agent.command]\ncommand = [\"/bin/sh\", \"-c\", \"echo no luck >&2; exit 3\"]\n";

struct Fleet {
  test::AppRepo repo{k_fanout_toml, k_failing_agent};
  std::unique_ptr<plugins::Registry> registry = test::built_plugins();
  std::ostringstream view;
  std::vector<std::string> notices;

  Fleet() {
    repo.repo().write(".fanout/issues/7.md", "---\ntitle: Seven\nlabels: [ready]\n---\nDo seven.\n");
    repo.repo().write(".fanout/issues/8.md", "---\ntitle: Eight\n---\nDo eight.\n");
  }
  app::FleetOutcome run(app::FleetRequest request) {
    app::FleetOutput output;
    output.view = &view;
    output.notice = [this](const std::string& line) { notices.push_back(line); };
    return app::run_fleet(repo.root(), repo.config(), *registry, request, output);
  }
  std::optional<pipeline::RunRecord> record(const std::string& issue) const {
    pipeline::RunStore store(state::StateDb::path_for(repo.root()));
    return store.get(issue);
  }
};

} // namespace

TEST_CASE("run fleet: the named and the labelled issues each run to their end state", "[app]") {
  Fleet f;
  const auto outcome = f.run({{"8"}, "ready", 2, pipeline::RunMode::full});
  INFO(f.view.str());
  CHECK(outcome.results == std::map<std::string, RunState>{{"7", RunState::failed}, {"8", RunState::failed}});
  CHECK(outcome.not_done() == 2);
  CHECK_FALSE(outcome.interrupted);
  for (const char* issue : {"7", "8"}) {
    const auto record = f.record(issue);
    REQUIRE(record);
    CHECK(record->state == RunState::failed);
    CHECK(record->stage == "plan");
    CHECK(record->error.find("\"/bin/sh\" exited with code 3: no luck") != std::string::npos);
    // The live view showed each run's end (not a terminal: plain lines).
    CHECK(f.view.str().find(std::string(issue) + ": failed after") != std::string::npos);
  }
  CHECK(f.notices.empty()); // no fanout was killed before: nothing to end
  // The run locks are let go when the fleet ends: another run may take them.
  CHECK(app::lock_runs(f.repo.root(), {"7", "8"}).size() == 2);
}

TEST_CASE("run fleet: what ends the command is refused before any run starts", "[app]") {
  Fleet f;
  std::string error;
  SECTION("an issue another live run holds names that run's process") {
    const auto held = app::lock_runs(f.repo.root(), {"7"});
    const auto holder = state::RunLock::holder(state::StateDb::path_for(f.repo.root()).parent_path(), "7");
    REQUIRE(holder);
    try {
      f.run({{"8", "7"}, "", 0, pipeline::RunMode::full});
    } catch (const UserError& e) {
      error = e.what();
    }
    CHECK(error == state::live_run_message("7", *holder));
  }
  SECTION("a label no open issue has") {
    try {
      f.run({{}, "later", 0, pipeline::RunMode::full});
    } catch (const UserError& e) {
      error = e.what();
    }
    CHECK(error == "no open issues are labelled \"later\"");
  }
  CHECK_FALSE(f.record("8"));
  CHECK(f.view.str().empty());
}
