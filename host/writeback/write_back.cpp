#include "host/writeback/write_back.hpp"

#include "host/pipeline/report.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/services/secrets.hpp"
#include "host/writeback/status_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace fanout::writeback {
namespace {

std::string redacted(const std::string& text) {
  return services::SecretRegistry::global().redact(text);
}

/// FNV-1a, 64 bits: stable across builds, so a restarted fanout recognises its own text.
std::string digest(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text)
    hash = (hash ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", hash);
}

std::string headline(const std::string& issue, Phase phase,
                     const std::optional<pipeline::RunRecord>& record) {
  switch (phase) {
  case Phase::in_progress: return "**fanout** is working on this issue.";
  case Phase::in_review:
    return "**fanout**: the pull request passed fanout's reviewers and waits for a human review.";
  case Phase::needs_human: return "**fanout** needs a human for this issue.";
  case Phase::failed: {
    const std::string stage = record && !record->stage.empty() ? " at stage \"" + record->stage + "\"" : "";
    return "**fanout**'s run on this issue stopped" + stage + ". Continue it with `fanout resume " + issue +
           "`.";
  }
  case Phase::done: return "**fanout**: the pull request was merged.";
  }
  return "";
}

} // namespace

Settings Settings::from(const config::WriteBackConfig& config) {
  Settings settings;
  for (const auto& [name, state] : config.states)
    if (auto phase = parse_phase(name)) settings.states[*phase] = state;
  for (const auto& [name, label] : config.labels)
    if (auto phase = parse_phase(name)) settings.labels[*phase] = label;
  settings.status_comment = config.status_comment;
  return settings;
}

std::string status_markdown(const std::string& issue, Phase phase,
                            const std::optional<pipeline::RunRecord>& record,
                            const std::vector<pipeline::ReviewOutcome>& reviews, const std::string& note) {
  std::string out = headline(issue, phase, record) + "\n";
  if (record && !record->pr_url.empty()) out += "\nPull request: " + record->pr_url + "\n";
  if (!note.empty()) out += "\n" + note + "\n";
  if (!reviews.empty()) {
    out += "\n";
    for (const auto& outcome : reviews)
      out += fmt::format("- {}: {}\n", outcome.reviewer,
                         outcome.review
                             ? fmt::format("{} ({} finding(s))", sdk::to_string(outcome.review->verdict),
                                           outcome.review->findings.size())
                             : "failed: " + outcome.failure);
  }
  if (phase == Phase::needs_human && pipeline::summarize(reviews) == pipeline::RoundVerdict::changes_needed)
    out += "\nOpen findings:\n\n" + pipeline::findings_markdown(reviews);
  out += "\n<sub>fanout edits this comment as the run goes on, instead of adding new ones.</sub>\n";
  return redacted(out);
}

WriteBack::WriteBack(sdk::IssueTracker& tracker, Settings settings, std::filesystem::path db_path)
    : m_tracker(tracker), m_settings(std::move(settings)), m_db_path(std::move(db_path)) {}

sdk::Result<void> WriteBack::move(const std::string& issue, Phase phase, const sdk::CancelToken& cancel) {
  std::optional<sdk::Failure> failed;
  if (auto state = m_settings.states.find(phase); state != m_settings.states.end()) {
    auto moved = m_tracker.set_state(issue, state->second, cancel);
    if (!moved.ok())
      failed = sdk::fail(moved.failure().kind, "state \"" + state->second + "\": " + moved.failure().message);
  }
  if (!m_settings.labels.empty()) {
    std::vector<std::string> add, remove;
    if (auto label = m_settings.labels.find(phase); label != m_settings.labels.end())
      add.push_back(label->second);
    for (const auto& [other, label] : m_settings.labels)
      if (other != phase && std::find(add.begin(), add.end(), label) == add.end() &&
          std::find(remove.begin(), remove.end(), label) == remove.end())
        remove.push_back(label);
    auto labelled = m_tracker.set_labels(issue, add, remove, cancel);
    if (!labelled.ok()) {
      const std::string message = "labels: " + labelled.failure().message;
      if (failed)
        failed->message += "; " + message;
      else
        failed = sdk::fail(labelled.failure().kind, message);
    }
  }
  if (failed) return *failed;
  return {};
}

sdk::Result<void> WriteBack::comment(const std::string& issue, const std::string& text,
                                     const std::string& comment_id, const std::string& sum,
                                     const sdk::CancelToken& cancel) {
  auto put = m_tracker.put_comment(issue, comment_id, text, cancel);
  if (!put.ok()) return sdk::fail(put.failure().kind, "status comment: " + put.failure().message);
  StatusStore(m_db_path).set_comment(issue, *put, sum);
  return {};
}

sdk::Result<void> WriteBack::write(const std::string& issue, Phase phase, const std::string& note,
                                   const sdk::CancelToken& cancel) {
  std::vector<sdk::Failure> failures;
  try {
    StatusStore store(m_db_path);
    const IssueStatus status = store.get(issue);
    if (status.phase != to_string(phase)) {
      auto moved = move(issue, phase, cancel);
      if (moved.ok())
        store.set_phase(issue, std::string(to_string(phase)));
      else
        failures.push_back(std::move(moved).failure());
    }
    if (m_settings.status_comment) {
      pipeline::RunStore runs(m_db_path);
      const auto record = runs.get(issue);
      const auto reviews = record && phase != Phase::in_progress ? runs.latest_reviews(issue)
                                                                 : std::vector<pipeline::ReviewOutcome>{};
      const std::string text = status_markdown(issue, phase, record, reviews, redacted(note));
      const std::string sum = digest(text);
      if (status.comment_id.empty() || sum != status.digest) {
        auto put = comment(issue, text, status.comment_id, sum, cancel);
        if (!put.ok()) failures.push_back(std::move(put).failure());
      }
    }
  } catch (const std::exception& e) { // the state store
    failures.push_back(sdk::fail(sdk::FailureKind::error, std::string("the state store: ") + e.what()));
  }
  if (failures.empty()) return {};
  std::string message =
      "write-back to issue \"" + issue + "\" (" + std::string(to_string(phase)) + ") failed: ";
  for (size_t i = 0; i < failures.size(); ++i)
    message += (i ? "; " : "") + failures[i].message;
  message = redacted(message);
  spdlog::warn("{}", message);
  return sdk::fail(failures.front().kind, message);
}

void WriteBack::run_changed(const pipeline::RunRecord& record, const sdk::CancelToken& cancel) {
  const auto phase = phase_of(record);
  if (!phase) return;
  (void)write(record.issue, *phase, *phase == Phase::in_progress ? "" : record.error, cancel);
}

} // namespace fanout::writeback
