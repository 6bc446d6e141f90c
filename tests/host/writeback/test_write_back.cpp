// WriteBack: run phases to tracker states, labels and one status comment edited in place,
// against an in-process tracker that records every call.
#include "host/pipeline/run_store.hpp"
#include "host/services/secrets.hpp"
#include "host/state/state_db.hpp"
#include "host/writeback/write_back.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <mutex>

using namespace fanout;
using namespace fanout::writeback;
using pipeline::RunState;

namespace {

/// Records calls as lines ("state 42 In Progress", "labels 42 +a -b", "create 42", "edit 42 c1");
/// comments live in `comments` by id, so a test can delete one as a person would.
class RecordingTracker final : public sdk::IssueTracker {
public:
  std::vector<std::string> calls;
  std::map<std::string, std::string> comments; ///< id -> markdown
  std::optional<sdk::Failure> state_failure;
  bool edits = true; ///< false: put_comment is unsupported, as the SDK's default

  sdk::Result<std::vector<sdk::Issue>> list(const sdk::IssueQuery&, const sdk::CancelToken&) override {
    return std::vector<sdk::Issue>{};
  }
  sdk::Result<sdk::Issue> get(const std::string& key, const sdk::CancelToken&) override {
    return sdk::Issue{key};
  }
  sdk::Result<void> comment(const std::string& key, const std::string&, const sdk::CancelToken&) override {
    record("comment " + key);
    return {};
  }
  sdk::Result<std::string> put_comment(const std::string& key, const std::string& id,
                                       const std::string& markdown, const sdk::CancelToken& cancel) override {
    if (!edits) return IssueTracker::put_comment(key, id, markdown, cancel);
    std::lock_guard lock(m_mutex);
    if (!id.empty() && comments.count(id)) {
      calls.push_back("edit " + key + " " + id);
      comments[id] = markdown;
      return id;
    }
    const std::string made = "c" + std::to_string(++m_next);
    calls.push_back("create " + key + " " + made);
    comments[made] = markdown;
    return made;
  }
  sdk::Result<void> set_state(const std::string& key, const std::string& state,
                              const sdk::CancelToken&) override {
    record("state " + key + " " + state);
    if (state_failure) return *state_failure;
    return {};
  }
  sdk::Result<void> set_labels(const std::string& key, const std::vector<std::string>& add,
                               const std::vector<std::string>& remove, const sdk::CancelToken&) override {
    std::string line = "labels " + key;
    for (const auto& label : add)
      line += " +" + label;
    for (const auto& label : remove)
      line += " -" + label;
    record(line);
    return {};
  }
  std::vector<std::string> take() {
    std::lock_guard lock(m_mutex);
    return std::exchange(calls, {});
  }

private:
  void record(const std::string& line) {
    std::lock_guard lock(m_mutex);
    calls.push_back(line);
  }
  std::mutex m_mutex;
  int m_next = 0;
};

using Calls = std::vector<std::string>;

struct Fixture {
  test::TempDir dir{"writeback"};
  std::filesystem::path db = state::StateDb::path_for(dir.path());
  RecordingTracker tracker;
  sdk::CancelToken cancel;

  Settings settings() const {
    Settings s;
    s.states = {{Phase::in_progress, "In Progress"}, {Phase::done, "Done"}};
    s.labels = {{Phase::in_review, "fanout:review"},
                {Phase::needs_human, "fanout:help"},
                {Phase::failed, "fanout:failed"}};
    s.status_comment = true;
    return s;
  }
};

} // namespace

TEST_CASE("write-back: a phase sets its state and its label and removes the other phases' labels",
          "[write_back]") {
  Fixture f;
  WriteBack write_back(f.tracker, f.settings(), f.db);
  REQUIRE(write_back.write("42", Phase::in_progress, "", f.cancel).ok());
  CHECK(f.tracker.take() == Calls{"state 42 In Progress",
                                  "labels 42 -fanout:review -fanout:help -fanout:failed", "create 42 c1"});
  REQUIRE(write_back.write("42", Phase::in_review, "", f.cancel).ok());
  // No state is mapped for in_review: only the labels move.
  CHECK(f.tracker.take() == Calls{"labels 42 +fanout:review -fanout:help -fanout:failed", "edit 42 c1"});
}

TEST_CASE("write-back: one status comment per issue, edited in place across restarts", "[write_back]") {
  Fixture f;
  {
    WriteBack first(f.tracker, f.settings(), f.db);
    REQUIRE(first.write("42", Phase::in_progress, "", f.cancel).ok());
    REQUIRE(first.write("7", Phase::in_progress, "", f.cancel).ok());
  }
  f.tracker.take();
  WriteBack restarted(f.tracker, f.settings(), f.db); // a new process: only the state store remembers
  SECTION("the same phase and text again writes nothing") {
    REQUIRE(restarted.write("42", Phase::in_progress, "", f.cancel).ok());
    CHECK(f.tracker.take().empty());
  }
  SECTION("a new phase edits the issue's own comment") {
    REQUIRE(
        restarted.write("42", Phase::needs_human, "changes still requested after 2 fix round(s)", f.cancel)
            .ok());
    CHECK(f.tracker.take() == Calls{"labels 42 +fanout:help -fanout:review -fanout:failed", "edit 42 c1"});
    CHECK(f.tracker.comments.size() == 2);
    CHECK(f.tracker.comments.at("c1").find("changes still requested after 2 fix round(s)") !=
          std::string::npos);
  }
  SECTION("a comment a person deleted is made again, and that one is edited next") {
    f.tracker.comments.erase("c1");
    REQUIRE(restarted.write("42", Phase::failed, "build: the agent made no commit", f.cancel).ok());
    CHECK(f.tracker.take() == Calls{"labels 42 +fanout:failed -fanout:review -fanout:help", "create 42 c3"});
    REQUIRE(restarted.write("42", Phase::needs_human, "", f.cancel).ok());
    CHECK(f.tracker.take().back() == "edit 42 c3");
  }
}

TEST_CASE("write-back: the status comment says the phase, the pull request, the reviews and the note",
          "[write_back]") {
  Fixture f;
  {
    pipeline::RunStore runs(f.db);
    runs.begin("42");
    runs.set_pr("42", "9", "https://forge.test/pull/9");
    sdk::Review changes{
        sdk::Verdict::request_changes, "no", {{sdk::Severity::critical, "src/app.js", 3, "returns 500", ""}}};
    runs.save_reviews("42", 0, {{"tests", changes, ""}, {"scope", std::nullopt, "the model timed out"}});
    runs.set_state("42", RunState::needs_human, "changes still requested after 2 fix round(s)");
  }
  WriteBack write_back(f.tracker, f.settings(), f.db);
  pipeline::RunStore runs(f.db);
  write_back.run_changed(*runs.get("42"), f.cancel);
  REQUIRE(f.tracker.comments.size() == 1);
  CHECK(f.tracker.comments.begin()->second ==
        "**fanout** needs a human for this issue.\n\n"
        "Pull request: https://forge.test/pull/9\n\n"
        "changes still requested after 2 fix round(s)\n\n"
        "- tests: request_changes (1 finding(s))\n"
        "- scope: failed: the model timed out\n\n"
        "Open findings:\n\n"
        "### tests (request_changes)\n\n"
        "- **critical** `src/app.js:3`: returns 500\n\n\n"
        "<sub>fanout edits this comment as the run goes on, instead of adding new ones.</sub>\n");
}

TEST_CASE("write-back: run states map to phases; a cancelled run writes nothing", "[write_back]") {
  pipeline::RunRecord record;
  const std::vector<std::pair<RunState, std::optional<Phase>>> cases = {
      {RunState::running, Phase::in_progress},     {RunState::done, Phase::in_review},
      {RunState::needs_human, Phase::needs_human}, {RunState::failed, Phase::failed},
      {RunState::over_budget, Phase::failed},      {RunState::cancelled, std::nullopt}};
  for (const auto& [state, phase] : cases) {
    record.state = state;
    CHECK(phase_of(record) == phase);
  }
  Fixture f;
  WriteBack write_back(f.tracker, f.settings(), f.db);
  record.issue = "42";
  record.state = RunState::cancelled;
  write_back.run_changed(record, f.cancel);
  CHECK(f.tracker.take().empty());
}

TEST_CASE("write-back: a failing step is returned and logged, and the other steps still run",
          "[write_back]") {
  Fixture f;
  f.tracker.state_failure =
      sdk::fail(sdk::FailureKind::not_found,
                "linear team \"ENG\" has no workflow state \"In Progress\" (it has \"Todo\", \"Doing\")");
  WriteBack write_back(f.tracker, f.settings(), f.db);
  auto written = write_back.write("42", Phase::in_progress, "", f.cancel);
  REQUIRE_FALSE(written.ok());
  CHECK(written.failure().kind == sdk::FailureKind::not_found);
  CHECK(written.failure().message == "write-back to issue \"42\" (in_progress) failed: state \"In "
                                     "Progress\": linear team \"ENG\" has no workflow "
                                     "state \"In Progress\" (it has \"Todo\", \"Doing\")");
  CHECK(f.tracker.take() == Calls{"state 42 In Progress",
                                  "labels 42 -fanout:review -fanout:help -fanout:failed", "create 42 c1"});
  // The phase was not recorded as written: the next write tries it again.
  f.tracker.state_failure.reset();
  REQUIRE(write_back.write("42", Phase::in_progress, "", f.cancel).ok());
  CHECK(f.tracker.take() ==
        Calls{"state 42 In Progress", "labels 42 -fanout:review -fanout:help -fanout:failed"});
}

TEST_CASE("write-back: a tracker that cannot edit comments gets no comment at all", "[write_back]") {
  Fixture f;
  f.tracker.edits = false;
  Settings settings;
  settings.status_comment = true;
  WriteBack write_back(f.tracker, settings, f.db);
  auto written = write_back.write("42", Phase::in_progress, "", f.cancel);
  REQUIRE_FALSE(written.ok());
  CHECK(written.failure().kind == sdk::FailureKind::unsupported);
  CHECK(written.failure().message ==
        "write-back to issue \"42\" (in_progress) failed: status comment: this tracker cannot edit comments");
  CHECK(f.tracker.take().empty()); // never a plain comment instead
}

TEST_CASE("write-back: secrets never reach the tracker", "[write_back]") {
  Fixture f;
  services::SecretRegistry::global().add("ghp_writeback_secret_0123456789");
  WriteBack write_back(f.tracker, f.settings(), f.db);
  REQUIRE(
      write_back
          .write("42", Phase::failed, "push failed: token ghp_writeback_secret_0123456789 rejected", f.cancel)
          .ok());
  REQUIRE(f.tracker.comments.size() == 1);
  const std::string& text = f.tracker.comments.begin()->second;
  CHECK(text.find("ghp_writeback_secret_0123456789") == std::string::npos);
  CHECK(text.find("push failed: token *** rejected") != std::string::npos);
}

TEST_CASE("write-back: settings from [write_back]", "[write_back]") {
  config::WriteBackConfig config;
  CHECK_FALSE(Settings::from(config).any());
  config.states = {{"in_review", "In Review"}};
  config.labels = {{"done", "shipped"}};
  const auto settings = Settings::from(config);
  CHECK(settings.any());
  CHECK(settings.states == std::map<Phase, std::string>{{Phase::in_review, "In Review"}});
  CHECK(settings.labels == std::map<Phase, std::string>{{Phase::done, "shipped"}});
  CHECK_FALSE(settings.status_comment);
}
