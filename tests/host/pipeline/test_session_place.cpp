// Where the pipeline's agent sessions run: with Services::remote set, every session (plan,
// build, fix, a reviewer's agent) gets its own process runner from it, named by the run and
// the stage with its round; without it, providers run on this machine (process_runner null).
#include "pipeline_helpers.hpp"

#include "host/pipeline/run_store.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using namespace fanout;
using namespace fanout::test;
using pipeline::RunState;

namespace {

class UnusedRunner final : public sdk::ProcessRunner {
public:
  sdk::Result<sdk::ProcessResult> run(const sdk::ProcessSpec&, const sdk::LineCallback&,
                                      const sdk::CancelToken&) override {
    return sdk::fail(sdk::FailureKind::unsupported, "the fake agent runs no process");
  }
};

class RecordingRemote final : public pipeline::RemoteSessions {
public:
  std::vector<pipeline::SessionPlace> places;
  std::unique_ptr<sdk::ProcessRunner> runner_for(const pipeline::SessionPlace& place) override {
    std::lock_guard lock(m_mutex);
    places.push_back(place);
    return std::make_unique<UnusedRunner>();
  }

private:
  std::mutex m_mutex;
};

/// Reviewers whose agent sessions go through the pipeline's wrapper, as agent-review's do.
void review_with_agents(Harness& h) {
  h.services.make_reviewers = [&h](const pipeline::AgentWrapper& wrap) {
    std::vector<pipeline::ReviewerSlot> slots;
    auto* agent = wrap("scope", "fake", h.agent);
    slots.push_back({"scope", std::make_shared<FakeReviewer>([agent, &h](const sdk::ReviewRequest& request) {
                       sdk::SessionRequest session;
                       session.prompt = "REVIEW 5";
                       session.workdir = request.workspace.path;
                       auto ran = agent->run(session, [](const sdk::AgentEvent&) {}, sdk::CancelToken());
                       if (!ran.ok()) return sdk::Result<sdk::Review>(ran.failure());
                       if (request.diff.find("fixed-5.txt") != std::string::npos) return sdk::Result<sdk::Review>(approve());
                       return sdk::Result<sdk::Review>(request_changes("add a test", "feature-5.txt", 1));
                     })});
    return sdk::Result<std::vector<pipeline::ReviewerSlot>>(std::move(slots));
  };
}

} // namespace

TEST_CASE("session place: a remote runner gets every session, named by run, stage and round", "[pipeline][runner]") {
  Harness h;
  RecordingRemote remote;
  h.services.remote = &remote;
  h.tracker.add("5", "feature");
  review_with_agents(h);
  REQUIRE(h.run({"5"}).at("5") == RunState::done);

  const auto run_id = std::to_string(pipeline::RunStore(h.settings.db_path).get("5")->created_at);
  std::vector<std::string> stages;
  for (const auto& place : remote.places) {
    CHECK(place.issue == "5");
    CHECK(place.run == run_id);
    CHECK(place.branch == "fanout/5");
    CHECK(place.worktree.filename() == "5");
    stages.push_back(place.stage);
  }
  CHECK(stages == std::vector<std::string>{"plan", "build", "review-scope-0", "fix-1", "review-scope-1"});
  for (const auto& request : h.agent.requests) CHECK(request.process_runner != nullptr);
}

TEST_CASE("session place: without a remote runner, sessions run on this machine as before", "[pipeline][runner]") {
  Harness h;
  h.tracker.add("5", "feature");
  review_with_agents(h);
  REQUIRE(h.run({"5"}).at("5") == RunState::done);
  REQUIRE(h.agent.requests.size() == 5);
  for (const auto& request : h.agent.requests) CHECK(request.process_runner == nullptr);
}
