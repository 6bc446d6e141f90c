#include "host/app/up_many.hpp"

#include "host/util/bounded_pool.hpp"
#include "host/workspace/uncommitted.hpp"

#include <algorithm>

namespace fanout::app {
namespace {

/// Whether `fanout clean KEY` would keep the workspace of `key` for its uncommitted work (a
/// setup command that wrote a file, say), so that only --force removes it.
bool has_uncommitted_work(workspace::WorkspaceManager& manager, const std::string& key) {
  try {
    const auto ws = manager.find(key);
    if (!ws || ws->record.state == workspace::State::creating) return false;
    const auto changes = workspace::uncommitted_work(manager.settings().workspace, ws->record.path);
    return changes.ok() && !changes->empty(); // on a failure, clean will say what is wrong
  } catch (const std::exception&) {
    return false; // the state store: clean will say what is wrong
  }
}

} // namespace

std::vector<UpOutcome> up_many(workspace::WorkspaceManager& manager, sdk::IssueTracker* tracker,
                               const std::vector<std::string>& keys, const UpOptions& options,
                               const sdk::CancelToken& cancel) {
  std::vector<sdk::Issue> issues;
  std::vector<UpOutcome> outcomes(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    outcomes[i].key = keys[i];
    sdk::Issue issue;
    issue.key = keys[i];
    if (tracker && !cancel.cancelled()) {
      auto found = tracker->get(keys[i], cancel);
      if (found.ok()) issue = std::move(found).value();
      else if (found.failure().kind == sdk::FailureKind::not_found) outcomes[i].error = found.failure().message;
      else if (options.warn) options.warn("no title for \"" + keys[i] + "\": " + found.failure().message);
    }
    issues.push_back(std::move(issue));
  }

  util::run_bounded(issues.size(), static_cast<size_t>(std::max(options.parallel, 1)), [&](size_t i) {
    auto& outcome = outcomes[i];
    if (!outcome.error.empty()) return; // the tracker has no such issue
    if (cancel.cancelled()) {
      outcome.cancelled = true;
      return;
    }
    auto result = manager.up(issues[i], cancel, options.progress);
    if (result.ok()) {
      outcome.workspace = std::move(result).value();
    } else {
      outcome.error = result.failure().message;
      outcome.cancelled = cancel.cancelled();
    }
  });

  for (auto& outcome : outcomes) {
    outcome.begun = outcome.cancelled && !outcome.error.empty();
    outcome.has_work = outcome.begun && has_uncommitted_work(manager, outcome.key);
  }
  return outcomes;
}

} // namespace fanout::app
