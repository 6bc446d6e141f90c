// The pipeline's calls to the tracker write-back (pipeline::RunWriteBack): when a run
// starts and ends, and no comments of its own when the write-back keeps a status comment.
#include "pipeline_helpers.hpp"

#include "host/pipeline/run_store.hpp"
#include "host/writeback/write_back.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using pipeline::RunState;

namespace {

class RecordingWriteBack final : public pipeline::RunWriteBack {
public:
  explicit RecordingWriteBack(bool status_comment) : m_status_comment(status_comment) {}
  void run_changed(const pipeline::RunRecord& record, const sdk::CancelToken&) override {
    std::lock_guard lock(m_mutex);
    seen.push_back(record.issue + " " + std::string(pipeline::to_string(record.state)) + " " + record.pr_url);
  }
  bool keeps_status_comment() const override { return m_status_comment; }
  std::vector<std::string> seen;

private:
  bool m_status_comment;
  std::mutex m_mutex;
};

} // namespace

TEST_CASE("pipeline: the write-back hears of a run when it starts and when it ends",
          "[pipeline][write_back]") {
  Harness h;
  h.tracker.add("1", "feature");
  RecordingWriteBack write_back(false);
  h.services.write_back = &write_back;
  CHECK(h.run({"1"}) == std::map<std::string, RunState>{{"1", RunState::done}});
  pipeline::RunStore store(h.settings.db_path);
  CHECK(write_back.seen == std::vector<std::string>{"1 running ", "1 done " + store.get("1")->pr_url});
  // Without a status comment the pipeline comments as before: the PR link, then the verdicts.
  CHECK(h.tracker.comments_on("1") == 2);
}

TEST_CASE("pipeline: with a status comment the pipeline posts no comments of its own",
          "[pipeline][write_back]") {
  Harness h;
  h.tracker.add("1", "feature");
  RecordingWriteBack write_back(true);
  h.services.write_back = &write_back;
  CHECK(h.run({"1"}) == std::map<std::string, RunState>{{"1", RunState::done}});
  CHECK(h.tracker.comments_on("1") == 0);
  CHECK(write_back.seen.size() == 2);
}

TEST_CASE("pipeline: an issue that cannot be fetched is never written back to", "[pipeline][write_back]") {
  Harness h;
  RecordingWriteBack write_back(true);
  h.services.write_back = &write_back;
  CHECK(h.run({"404"}) == std::map<std::string, RunState>{{"404", RunState::failed}});
  CHECK(write_back.seen.empty());
}

TEST_CASE("pipeline: a tracker that refuses every write-back still sees the run end done",
          "[pipeline][write_back]") {
  Harness h;
  h.tracker.add("1", "feature");
  writeback::Settings settings; // the fake tracker can neither move states nor edit comments
  settings.states = {{writeback::Phase::in_progress, "In Progress"},
                     {writeback::Phase::in_review, "In Review"}};
  settings.status_comment = true;
  writeback::WriteBack write_back(h.tracker, settings, h.settings.db_path);
  h.services.write_back = &write_back;
  CHECK(h.run({"1"}) == std::map<std::string, RunState>{{"1", RunState::done}});
  CHECK(h.tracker.comments_on("1") == 0); // never a comment per event instead of the status comment
  pipeline::RunStore store(h.settings.db_path);
  CHECK(store.get("1")->error.empty());
}
