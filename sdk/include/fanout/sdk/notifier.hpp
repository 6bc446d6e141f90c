#pragma once
// Notifier: tells a person that a run needs them, that a pull request is ready or that the
// fleet is done (a webhook, a desktop notification). The host decides when; the notifier
// only delivers.

#include "fanout/sdk/cancel.hpp"
#include "fanout/sdk/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::sdk {

/// What happened. Each is sent at most once per occurrence (the host records deliveries).
enum class NotifyEvent {
  plan_approval, ///< a run made its plan and waits for `fanout approve ISSUE` ([run] approve_plan)
  needs_human,   ///< a run ended as needs_human: reviewers still request changes, or one could not run
  over_budget,   ///< a run stopped at its (or the fleet's) cost or token limit
  failed,        ///< a run failed (an agent, a plugin or git reported an error)
  pr_ready,      ///< a run ended done: its pull request is approved by every reviewer
  fleet_done,    ///< every run of one `fanout run` / `resume` / `approve` / `review` has ended
};

/// Stable lower-case names, as written in config (`events = ["failed"]`) and in JSON.
constexpr std::string_view to_string(NotifyEvent event) noexcept {
  switch (event) {
  case NotifyEvent::plan_approval: return "plan_approval";
  case NotifyEvent::needs_human: return "needs_human";
  case NotifyEvent::over_budget: return "over_budget";
  case NotifyEvent::failed: return "failed";
  case NotifyEvent::pr_ready: return "pr_ready";
  case NotifyEvent::fleet_done: return "fleet_done";
  }
  return "failed";
}

/// The event called `name` (as to_string() spells it), or nullopt.
constexpr std::optional<NotifyEvent> notify_event_from_string(std::string_view name) noexcept {
  for (auto event : {NotifyEvent::plan_approval, NotifyEvent::needs_human, NotifyEvent::over_budget,
                     NotifyEvent::failed, NotifyEvent::pr_ready, NotifyEvent::fleet_done})
    if (to_string(event) == name) return event;
  return std::nullopt;
}

/// One run as a fleet_done notification lists it.
struct NotifiedRun {
  std::string issue;  ///< the issue key ("42", "ENG-7")
  std::string state;  ///< the run's end state: "done", "needs_human", "failed", ...
  std::string pr_url; ///< "" when the run has no pull request (yet)
};

/// What a notifier delivers. Every string has been through the host's redactor (registered
/// secrets and URL passwords are "***"), and none carries a credential, a database URL or a
/// transcript. Texts are plain (no Markdown), in English.
struct Notification {
  NotifyEvent event = NotifyEvent::failed;
  std::string title;       ///< one line for a notification's headline: "fanout: 42 needs you"
  std::string text;        ///< a few lines: what happened, why, and what to do next
  std::string repo;        ///< the repository's folder name ("shop")
  std::string issue;       ///< the issue key; "" for fleet_done
  std::string issue_title; ///< "" for fleet_done or when the issue was never fetched
  std::string issue_url;   ///< the issue in its tracker; "" when unknown
  std::string state;       ///< the run's state ("needs_human"); "" for fleet_done
  std::string stage;       ///< the stage it ended at ("approve_plan", "validate"); "" for fleet_done
  std::string reason;      ///< why it stopped, as `fanout status` shows it; "" when done
  std::string pr_url;      ///< the pull request; "" when none
  std::string action;      ///< the command that acts on it ("fanout approve 42"); "" when none
  std::vector<NotifiedRun> runs; ///< fleet_done only: every run of the fleet, in key order
};

/// Delivers notifications. The host uses one instance from one thread at a time (its
/// delivery thread), so implementations need no locking of their own.
class Notifier {
public:
  virtual ~Notifier() = default;

  /// Delivers one notification, blocking until it is delivered or has failed. Makes one
  /// attempt: the host retries a failure a bounded number of times with backoff, so do
  /// not retry here (HttpRequest::max_retries = 0). A Failure's message says what went
  /// wrong without secrets ("webhook answered HTTP 500"); FailureKind::unsupported or
  /// invalid_input mean a retry cannot help, and the host does not retry them.
  virtual Result<void> notify(const Notification& notification, const CancelToken& cancel) = 0;
};

} // namespace fanout::sdk
