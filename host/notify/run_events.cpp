#include "host/notify/run_events.hpp"

#include "host/pipeline/run_status.hpp"
#include "host/util/text_file.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>


namespace fanout::notify {
namespace {

using pipeline::RunState;

/// FNV-1a, 64 bits: stable across builds and machines (std::hash is neither promised).
std::string digest(std::initializer_list<std::string_view> parts) {
  std::uint64_t hash = 14695981039346656037ull;
  for (auto part : parts) {
    for (unsigned char c : part) hash = (hash ^ c) * 1099511628211ull;
    hash = (hash ^ 0x1f) * 1099511628211ull; // a separator, so ("ab","c") != ("a","bc")
  }
  return fmt::format("{:016x}", hash);
}

std::string issue_line(const pipeline::RunRecord& record) {
  std::string line = "Issue " + record.issue;
  if (record.fetched && !record.fetched->title.empty()) line += " \"" + record.fetched->title + "\"";
  if (record.fetched && !record.fetched->url.empty()) line += " (" + record.fetched->url + ")";
  return line;
}

} // namespace

std::optional<Event> run_event(const pipeline::RunRecord& record, const std::string& plan, const std::string& repo) {
  sdk::Notification n;
  n.repo = repo;
  n.issue = record.issue;
  n.issue_title = record.fetched ? record.fetched->title : "";
  n.issue_url = record.fetched ? record.fetched->url : "";
  n.state = std::string(pipeline::to_string(record.state));
  n.stage = record.stage;
  n.reason = record.error;
  n.pr_url = record.pr_url;
  std::string content;
  const std::string where = n.pr_url.empty() ? "" : "\nPull request: " + n.pr_url;
  switch (record.state) {
  case RunState::needs_human:
    if (record.stage == pipeline::stage::approve_plan) {
      n.event = sdk::NotifyEvent::plan_approval;
      n.title = "fanout: " + record.issue + " waits for plan approval";
      n.action = "fanout approve " + record.issue;
      n.text = issue_line(record) + ": the plan is ready.\nRead it with: fanout logs " + record.issue +
               " --stage plan\nApprove it with: " + n.action;
      content = digest({plan});
    } else {
      n.event = sdk::NotifyEvent::needs_human;
      n.title = "fanout: " + record.issue + " needs a human";
      n.action = "fanout status";
      n.text = issue_line(record) + " needs a human: " + record.error + where;
      content = digest({record.stage, std::to_string(record.round), record.error, record.pr_url});
    }
    break;
  case RunState::over_budget:
  case RunState::failed:
    n.event = record.state == RunState::failed ? sdk::NotifyEvent::failed : sdk::NotifyEvent::over_budget;
    n.title = "fanout: " + record.issue + (record.state == RunState::failed ? " failed" : " is over budget");
    n.action = "fanout resume " + record.issue;
    n.text = issue_line(record) + (record.state == RunState::failed ? " failed" : " stopped at its budget") +
             (record.stage.empty() ? "" : " at stage \"" + record.stage + "\"") + ": " + record.error + where +
             "\nContinue it with: " + n.action;
    content = digest({record.stage, std::to_string(record.round), record.error});
    break;
  case RunState::done:
    n.event = sdk::NotifyEvent::pr_ready;
    n.title = "fanout: " + record.issue + " is ready to land";
    n.text = issue_line(record) + ": every reviewer approved." + where;
    content = digest({record.pr_id, record.pr_url});
    break;
  case RunState::running:
  case RunState::cancelled:
  case RunState::merged:
  case RunState::closed: return std::nullopt;
  }
  return Event{std::string(sdk::to_string(n.event)) + "/" + record.issue + "/" + content, std::move(n)};
}

Event fleet_event(const std::vector<pipeline::RunRecord>& runs, const std::string& repo) {
  sdk::Notification n;
  n.event = sdk::NotifyEvent::fleet_done;
  n.repo = repo;
  std::map<std::string, int> counts;
  std::string content, lines;
  for (const auto& run : runs) {
    const std::string state(pipeline::to_string(run.state));
    n.runs.push_back({run.issue, state, run.pr_url});
    ++counts[state];
    content += run.issue + "=" + state + "\n";
    lines += "\n" + run.issue + ": " + state + (run.pr_url.empty() ? "" : " " + run.pr_url);
  }
  std::string summary;
  for (const auto& [state, count] : counts) summary += (summary.empty() ? "" : ", ") + fmt::format("{} {}", count, state);
  n.title = fmt::format("fanout: {} run(s) ended{}", runs.size(), repo.empty() ? "" : " in " + repo);
  n.text = fmt::format("{} run(s) ended: {}.{}", runs.size(), summary, lines);
  return Event{"fleet_done/" + digest({content}), std::move(n)};
}

RunEvents::RunEvents(Dispatcher& dispatcher, const pipeline::Settings& settings, pipeline::Observer* inner)
    : m_dispatcher(dispatcher), m_settings(settings), m_inner(inner),
      m_repo(settings.repo_root.filename().string()) {}

void RunEvents::update(const pipeline::Progress& progress) {
  if (m_inner) m_inner->update(progress);
  if (!m_dispatcher.active() || !progress.stage_changed || progress.state == RunState::running) return;
  try {
    pipeline::RunStore store(m_settings.db_path);
    const auto record = store.get(progress.issue);
    if (!record) return;
    const auto plan = util::read_text(pipeline::run_dir(m_settings.runs_dir, progress.issue) / "plan.md");
    if (auto event = run_event(*record, plan, m_repo)) m_dispatcher.post(event->id, std::move(event->notification));
  } catch (const std::exception& e) {
    spdlog::warn("notifications: cannot read the run of \"{}\": {}", progress.issue, e.what());
  }
}

void RunEvents::fleet_done(const std::map<std::string, pipeline::RunState>& results) {
  if (!m_dispatcher.active() || results.empty()) return;
  try {
    pipeline::RunStore store(m_settings.db_path);
    std::vector<pipeline::RunRecord> runs;
    for (const auto& [issue, state] : results) {
      auto record = store.get(issue);
      if (!record) {
        record.emplace();
        record->issue = issue;
      }
      record->state = state;
      runs.push_back(std::move(*record));
    }
    auto event = fleet_event(runs, m_repo);
    m_dispatcher.post(event.id, std::move(event.notification));
  } catch (const std::exception& e) {
    spdlog::warn("notifications: cannot read the fleet's runs: {}", e.what());
  }
}

} // namespace fanout::notify
