#include "host/notify/dispatcher.hpp"

#include "host/notify/delivery_log.hpp"
#include "host/services/secrets.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

namespace fanout::notify {
namespace {

void redact(sdk::Notification& n) {
  const auto& secrets = services::SecretRegistry::global();
  for (std::string* field : {&n.title, &n.text, &n.repo, &n.issue, &n.issue_title, &n.issue_url, &n.state, &n.stage,
                             &n.reason, &n.pr_url, &n.action})
    *field = secrets.redact(*field);
  for (auto& run : n.runs) {
    run.issue = secrets.redact(run.issue);
    run.pr_url = secrets.redact(run.pr_url);
  }
}

/// Failures a second attempt cannot fix.
bool final_failure(sdk::FailureKind kind) {
  return kind == sdk::FailureKind::unsupported || kind == sdk::FailureKind::invalid_input ||
         kind == sdk::FailureKind::cancelled;
}

std::string subject(const std::string& target, const sdk::Notification& n) {
  return "[[notify]] \"" + target + "\": " + std::string(sdk::to_string(n.event)) +
         (n.issue.empty() ? "" : " of \"" + n.issue + "\"");
}

} // namespace

Dispatcher::Dispatcher(std::filesystem::path db_path, std::vector<Target> targets)
    : m_db_path(std::move(db_path)), m_targets(std::move(targets)) {
  if (!m_targets.empty()) m_thread = std::thread([this] { work(); });
}

Dispatcher::~Dispatcher() {
  close();
  {
    std::lock_guard lock(m_mutex);
    m_closing = true;
  }
  m_changed.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

void Dispatcher::post(const std::string& id, sdk::Notification notification) {
  if (m_targets.empty()) return;
  redact(notification);
  {
    std::lock_guard lock(m_mutex);
    m_queue.push_back({id, std::move(notification)});
  }
  m_changed.notify_all();
}

void Dispatcher::close() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return (m_queue.empty() && !m_busy) || !m_thread.joinable(); });
}

void Dispatcher::cancel() {
  {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
  }
  m_cancel.cancel();
  m_changed.notify_all();
}

bool Dispatcher::wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(m_mutex);
  return !m_changed.wait_for(lock, delay, [&] { return m_cancelled; });
}

void Dispatcher::work() {
  std::optional<DeliveryLog> log;
  while (true) {
    Job job;
    {
      std::unique_lock lock(m_mutex);
      m_busy = false;
      m_changed.notify_all();
      m_changed.wait(lock, [&] { return !m_queue.empty() || m_closing; });
      if (m_queue.empty()) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
      m_busy = true;
    }
    try {
      if (!log) log.emplace(m_db_path);
      for (const auto& target : m_targets)
        if (std::find(target.events.begin(), target.events.end(), job.notification.event) != target.events.end())
          deliver(*log, target, job);
    } catch (const std::exception& e) {
      // The state store failed (disk full, say): the run goes on without this notification.
      spdlog::warn("{}", services::SecretRegistry::global().redact("notifications: " + std::string(e.what())));
    }
  }
}

void Dispatcher::deliver(DeliveryLog& log, const Target& target, const Job& job) {
  const auto& n = job.notification;
  if (!log.claim(job.id, target.name, std::string(sdk::to_string(n.event)), n.issue)) return;
  const int attempts = 1 + std::max(0, target.retries);
  auto delay = target.retry_delay;
  std::string error;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      if (!wait(delay)) {
        error = "cancelled";
        log.finish(job.id, target.name, false, attempt - 1, error);
        return;
      }
      delay *= 2;
    }
    sdk::Result<void> sent = sdk::fail(sdk::FailureKind::error, "the notifier threw");
    try {
      sent = target.notifier->notify(n, m_cancel);
    } catch (const std::exception& e) {
      sent = sdk::fail(sdk::FailureKind::error, std::string("the notifier threw: ") + e.what());
    }
    if (sent.ok()) {
      log.finish(job.id, target.name, true, attempt, "");
      spdlog::debug("{}: sent", subject(target.name, n));
      return;
    }
    error = services::SecretRegistry::global().redact(sent.failure().message);
    const bool last = attempt == attempts || final_failure(sent.failure().kind) || m_cancel.cancelled();
    spdlog::warn("{}: attempt {} of {} failed: {}{}", subject(target.name, n), attempt, attempts, error,
                 last ? " (giving up)" : "");
    if (last) {
      log.finish(job.id, target.name, false, attempt, error);
      return;
    }
  }
}

} // namespace fanout::notify
