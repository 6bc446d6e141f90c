// replay: a transcript fanout wrote, played back with its changes applied through git.

#include "host/agent/session.hpp"
#include "host/agent/transcript.hpp"
#include "tests/support/agent_harness.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using namespace fanout::test::agents;
using Type = sdk::AgentEvent::Type;
using namespace std::chrono_literals;

namespace {

sdk::SessionRequest request(const TempRepo& repo, std::map<std::string, std::string> env = {}) {
  sdk::SessionRequest r;
  r.prompt = "add a hello file";
  r.workdir = repo.path();
  env["PATH"] = "/usr/bin:/bin";
  r.env = env;
  return r;
}

} // namespace

TEST_CASE("replay: a recorded claude session plays back identically and commits its changes", "[replay]") {
  // Record: a real session (fake claude) with fanout's own transcript, plus its diff.
  TempRepo source, home(false), recordings(false);
  std::ofstream(home.path() / "script.json") << R"({"files": {"hello.txt": "hello\n"}, "commit": "add hello"})";
  auto dir = recordings.path() / "7" / "build";
  std::filesystem::create_directories(dir);
  std::vector<sdk::AgentEvent> recorded_events;
  sdk::SessionResult recorded;
  {
    LoadedAgent claude("claude-code", nlohmann::json::object(), source.path());
    auto r = request(source);
    r.env = fake_env(home.path(), {{"FAKE_AGENT_SCRIPT", (home.path() / "script.json").string()}});
    r.permission = sdk::Permission::edit;
    services::SecretRegistry secrets;
    auto transcript = agent::TranscriptWriter::open(dir / "events.jsonl", secrets);
    REQUIRE(transcript.ok());
    agent::SessionContext context{"claude-code", transcript->get(),
                                  [&](const sdk::AgentEvent& e) { recorded_events.push_back(e); }};
    auto result = agent::run_session(claude.provider(), r, context, {});
    REQUIRE(result.ok());
    recorded = *result;
  }
  REQUIRE(recorded.outcome == sdk::SessionOutcome::success);
  std::ofstream(dir / "changes.patch") << source.git("diff --binary HEAD~1 HEAD") << "\n";
  std::ofstream(dir / "commit.txt") << source.git("log -1 --format=%B") << "\n";

  // Replay in another checkout, selected by the session's FANOUT_ISSUE / FANOUT_STAGE.
  TempRepo target;
  LoadedAgent replay("replay", {{"dir", recordings.path().string()}}, target.path());
  CHECK(replay.provider().can_resume());
  auto run = replay.run(request(target, {{"FANOUT_ISSUE", "7"}, {"FANOUT_STAGE", "build"}}));
  REQUIRE(run.result.ok());
  const auto& r = *run.result;
  CHECK(r.outcome == sdk::SessionOutcome::success);
  CHECK(r.text == recorded.text);
  CHECK(r.session_id == recorded.session_id);
  CHECK(r.usage.input == recorded.usage.input);
  CHECK(r.usage.cache_read == recorded.usage.cache_read);
  REQUIRE(r.cost_usd);
  CHECK(*r.cost_usd == Approx(*recorded.cost_usd));
  CHECK(r.turns == recorded.turns);
  REQUIRE(run.events.size() == recorded_events.size());
  for (size_t i = 0; i < run.events.size(); ++i) {
    CHECK(run.events[i].type == recorded_events[i].type);
    CHECK(run.events[i].text == recorded_events[i].text);
    CHECK(run.events[i].raw == recorded_events[i].raw);
  }
  CHECK(target.git("log -1 --format=%s") == "add hello");
  CHECK(target.git("show HEAD:hello.txt") == "hello");
  CHECK(target.git("status --porcelain").empty());
}

TEST_CASE("replay: a files/ tree and the default recording", "[replay]") {
  TempRepo target, recordings(false);
  auto dir = recordings.path() / "default";
  std::filesystem::create_directories(dir / "files" / "docs");
  std::ofstream(dir / "files" / "docs" / "note.md") << "note\n";
  std::ofstream(dir / "commit.txt") << "docs: add a note\n";
  std::ofstream(dir / "events.jsonl")
      << R"({"ts":"2026-01-01T00:00:00.000Z","type":"start","provider":"x","prompt":"p"})" "\n"
      << R"({"ts":"2026-01-01T00:00:01.000Z","type":"text","text":"writing the note"})" "\n"
      << R"({"ts":"2026-01-01T00:00:02.000Z","type":"result","ok":true,"kind":null,"text":"noted","session_id":"s1","tokens":{"input":1,"output":2,"cache_read":0,"cache_write":0},"cost_usd":null,"turns":1,"duration_ms":1000})" "\n";
  LoadedAgent replay("replay", {{"dir", recordings.path().string()}}, target.path());
  auto run = replay.run(request(target));
  REQUIRE(run.result.ok());
  CHECK(run.result->outcome == sdk::SessionOutcome::success);
  CHECK(run.result->text == "noted");
  CHECK(run.result->duration == 1000ms);
  CHECK_FALSE(run.result->cost_usd);
  CHECK(run.texts(Type::text) == std::vector<std::string>{"writing the note"});
  CHECK(target.git("log -1 --format=%s") == "docs: add a note");
}

TEST_CASE("replay: missing recordings, failed outcomes, bad patches and cancel", "[replay]") {
  TempRepo target, recordings(false);
  SECTION("no recording names every place tried") {
    LoadedAgent replay("replay", {{"dir", recordings.path().string()}}, target.path());
    auto run = replay.run(request(target, {{"FANOUT_ISSUE", "3"}, {"FANOUT_STAGE", "plan"}}));
    REQUIRE_FALSE(run.result.ok());
    CHECK(run.result.failure().kind == sdk::FailureKind::not_found);
    CHECK(run.result.failure().message == "no recording in \"" + recordings.path().string() +
                                              "\" for this session (tried \"3/plan\", \"plan\", \"prompt-" +
                                              "1912696945eedc95\", \"default\")");
  }
  auto dir = recordings.path() / "fixed";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "events.jsonl") << R"({"type":"text","text":"a"})" "\n"
                                      << R"({"type":"result","ok":false,"kind":"max_turns","text":"too long"})" "\n";
  SECTION("a recorded failure is replayed as that failure") {
    LoadedAgent replay("replay", {{"dir", recordings.path().string()}, {"key", "fixed"}}, target.path());
    auto run = replay.run(request(target));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::max_turns);
    CHECK(run.result->text == "too long");
  }
  SECTION("a patch that does not apply") {
    std::ofstream(dir / "changes.patch") << "diff --git a/nope.txt b/nope.txt\n--- a/nope.txt\n+++ b/nope.txt\n"
                                            "@@ -1 +1 @@\n-old\n+new\n";
    LoadedAgent replay("replay", {{"dir", recordings.path().string()}, {"key", "fixed"}}, target.path());
    auto run = replay.run(request(target));
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::error);
    CHECK(run.result->text == "recorded changes do not apply: error: nope.txt: No such file or directory\n");
  }
  SECTION("cancel stops playback") {
    LoadedAgent replay("replay", {{"dir", recordings.path().string()}, {"key", "fixed"}, {"delay", 5000}},
                       target.path());
    sdk::CancelToken cancel;
    cancel.cancel();
    auto run = replay.run(request(target), cancel);
    REQUIRE(run.result.ok());
    CHECK(run.result->outcome == sdk::SessionOutcome::cancelled);
    CHECK(run.events.empty());
  }
}
