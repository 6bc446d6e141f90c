#pragma once
// RunEvents: turns the ends of runs into notifications. It sits between the fleet and its
// observer (the live view, or nothing): every update is passed on unchanged, and when a
// run ends it reads the run's record from the state store and posts its event to the
// Dispatcher. The fleet's end is posted by fleet_done().
//
// An event's identity (event_id) is what it says, not when it happened: a restarted run
// that ends the same way again (the same plan waiting, the same failure at the same
// stage, the same pull request ready) is the same event and is not sent again.

#include "host/notify/dispatcher.hpp"
#include "host/pipeline/run_store.hpp"
#include "host/pipeline/services.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace fanout::notify {

/// A notification and the identity that makes it once-only.
struct Event {
  std::string id; ///< "<event>/<issue>/<16 hex digits of the content>"
  sdk::Notification notification;
};

/// The event of a run that ended as `record` says, or nullopt (running, cancelled).
/// `plan` is its plan.md (a plan_approval's identity); `repo` the repository's folder name.
std::optional<Event> run_event(const pipeline::RunRecord& record, const std::string& plan, const std::string& repo);

/// The fleet_done event of a fleet that ended with `runs` (records of its runs).
Event fleet_event(const std::vector<pipeline::RunRecord>& runs, const std::string& repo);

class RunEvents final : public pipeline::Observer {
public:
  /// `settings` gives the state store and the runs folder; `inner` may be null. Both, and
  /// the dispatcher, must outlive this.
  RunEvents(Dispatcher& dispatcher, const pipeline::Settings& settings, pipeline::Observer* inner);

  /// Passes `progress` on; at a run's end (a final update) posts its event.
  void update(const pipeline::Progress& progress) override;

  /// Posts fleet_done for the runs of `results`. Call when the fleet has ended and was not
  /// interrupted (a Ctrl-C is someone at the terminal already).
  void fleet_done(const std::map<std::string, pipeline::RunState>& results);

private:
  Dispatcher& m_dispatcher;
  const pipeline::Settings& m_settings;
  pipeline::Observer* m_inner;
  std::string m_repo;
};

} // namespace fanout::notify
