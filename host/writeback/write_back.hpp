#pragma once
// WriteBack: takes a run's phase to its tracker issue through the tracker plugin: the
// workflow state and the label configured for the phase (`[write_back] states`, `labels`)
// and one status comment per issue, edited in place (`status_comment`). What was written is
// kept in the state store (StatusStore), so a restart edits the same comment and a write
// that would change nothing is skipped.
//
// The pipeline calls it when a run starts and ends (pipeline::RunWriteBack); `fanout watch`
// calls write() when a pull request's fate changes (merged: Phase::done). A failing write
// is logged and returned, never thrown: it never stops a run. Every text that leaves goes
// through the redactor.

#include "host/config/config.hpp"
#include "host/pipeline/services.hpp"
#include "host/writeback/phase.hpp"

#include <fanout/sdk/issue_tracker.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <string>

namespace fanout::writeback {

struct Settings {
  std::map<Phase, std::string> states; ///< phase -> tracker state name; a missing phase moves nothing
  std::map<Phase, std::string> labels; ///< phase -> label
  bool status_comment = false;

  /// Settings from `[write_back]` (its phase names were checked by the config loader;
  /// unknown ones are dropped here).
  static Settings from(const config::WriteBackConfig& config);
  /// Whether anything is written at all.
  bool any() const { return !states.empty() || !labels.empty() || status_comment; }
};

/// Thread-safe: many runs write at once, each from its own thread.
class WriteBack final : public pipeline::RunWriteBack {
public:
  /// `tracker` must outlive this; `db_path` is the state store.
  WriteBack(sdk::IssueTracker& tracker, Settings settings, std::filesystem::path db_path);

  /// Takes `issue` to `phase`: its state and labels when the phase changed since the last
  /// write, and the status comment when its text changed. The comment is made from the
  /// issue's run record (its pull request, the latest reviews, its error) and `note` (a
  /// line that says what happened, e.g. "merged by octocat"); an issue without a run record
  /// gets the phase and the note. Every step runs even when an earlier one failed; the
  /// failures are logged and returned joined.
  sdk::Result<void> write(const std::string& issue, Phase phase, const std::string& note,
                          const sdk::CancelToken& cancel);

  /// pipeline::RunWriteBack: write(record.issue, phase_of(record), record.error); nothing
  /// for a cancelled run.
  void run_changed(const pipeline::RunRecord& record, const sdk::CancelToken& cancel) override;
  bool keeps_status_comment() const override { return m_settings.status_comment; }

  const Settings& settings() const { return m_settings; }

private:
  sdk::Result<void> move(const std::string& issue, Phase phase, const sdk::CancelToken& cancel);
  sdk::Result<void> comment(const std::string& issue, const std::string& text, const std::string& comment_id,
                            const std::string& digest, const sdk::CancelToken& cancel);

  sdk::IssueTracker& m_tracker;
  Settings m_settings;
  std::filesystem::path m_db_path;
};

/// The status comment's Markdown for `issue` in `phase`: a headline, the pull request, the
/// note, the reviewers' verdicts and (needs_human) the open findings; redacted.
std::string status_markdown(const std::string& issue, Phase phase,
                            const std::optional<pipeline::RunRecord>& record,
                            const std::vector<pipeline::ReviewOutcome>& reviews, const std::string& note);

} // namespace fanout::writeback
