#pragma once
// Dispatcher: delivers notifications on a thread of its own, so a slow or failing webhook
// never holds up a run. Each (event, notifier) is claimed in the state store first
// (DeliveryLog), so it is sent at most once across restarts; a failed delivery is logged
// and retried a bounded number of times with doubling delays, then recorded as failed.
// Nothing here throws into the caller, and nothing it does can stop or fail a run.

#include <fanout/sdk/notifier.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fanout::notify {

/// One configured notifier ([[notify]] table) and what it gets.
struct Target {
  std::string name;                      ///< the [[notify]] name, in logs and delivery records
  std::vector<sdk::NotifyEvent> events;  ///< the events it gets
  int retries = 3;                       ///< retries after the first failed attempt
  std::chrono::milliseconds retry_delay{2000}; ///< before the first retry; doubled after each
  sdk::Notifier* notifier = nullptr;     ///< outlives the Dispatcher
};

class Dispatcher {
public:
  /// Starts the delivery thread (none when `targets` is empty). `db_path` is the state store.
  Dispatcher(std::filesystem::path db_path, std::vector<Target> targets);
  /// close(), then joins the thread.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Queues `notification` for every target that takes its event. `id` names the event's
  /// occurrence (run_events.hpp: event_id): a (id, target) recorded before is skipped.
  /// Every string of the notification is redacted here. Thread-safe, never blocks on I/O.
  void post(const std::string& id, sdk::Notification notification);

  /// Waits until every queued notification is delivered or has failed for good.
  void close();

  /// Stops waiting between retries and cancels deliveries in flight; what is left is
  /// recorded as failed ("cancelled"). For Ctrl-C. Thread-safe, never blocks.
  void cancel();

  /// Whether any notifier is configured.
  bool active() const { return !m_targets.empty(); }

private:
  struct Job {
    std::string id;
    sdk::Notification notification;
  };
  void work();
  void deliver(class DeliveryLog& log, const Target& target, const Job& job);
  /// Sleeps `delay` unless cancelled first; false when cancelled.
  bool wait(std::chrono::milliseconds delay);

  std::filesystem::path m_db_path;
  std::vector<Target> m_targets;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Job> m_queue;
  bool m_busy = false;    ///< the thread is delivering a job taken from the queue
  bool m_closing = false;
  bool m_cancelled = false;
  sdk::CancelToken m_cancel;
  std::thread m_thread;
};

} // namespace fanout::notify
