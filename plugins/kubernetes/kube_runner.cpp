#include "kube_runner.hpp"

#include "job_spec.hpp"
#include "pod_state.hpp"

#include "support/json_access.hpp"
#include "support/url_encoding.hpp"

#include <atomic>
#include <thread>

namespace fanout::kubernetes {

using sdk::FailureKind;
using namespace std::chrono;

namespace {

const Access k_create_job{"create", "jobs"};
const Access k_get_job{"get", "jobs"};
const Access k_list_jobs{"list", "jobs"};
const Access k_delete_job{"delete", "jobs"};
const Access k_list_pods{"list", "pods"};
const Access k_get_pod{"get", "pods"};
const Access k_get_log{"get", "pods/log"};

std::string jobs_path(const KubeApi& api) {
  return "/apis/batch/v1/namespaces/" + support::encode_path_segment(api.namespace_name()) + "/jobs";
}

std::string pods_path(const KubeApi& api) {
  return "/api/v1/namespaces/" + support::encode_path_segment(api.namespace_name()) + "/pods";
}

/// Waits `duration` or until `cancel` fires.
void pause(milliseconds duration, const sdk::CancelToken& cancel) {
  const auto until = steady_clock::now() + duration;
  while (!cancel.cancelled() && steady_clock::now() < until) std::this_thread::sleep_for(milliseconds(20));
}

/// Cancels `inner` when `outer` fires or `deadline` passes, until destroyed.
class Watchdog {
public:
  Watchdog(const sdk::CancelToken& outer, sdk::CancelToken inner, std::optional<steady_clock::time_point> deadline)
      : m_thread([this, outer, inner, deadline] {
          while (!m_done) {
            if (outer.cancelled()) m_why = 1;
            else if (deadline && steady_clock::now() >= *deadline) m_why = 2;
            if (m_why) {
              inner.cancel();
              return;
            }
            std::this_thread::sleep_for(milliseconds(20));
          }
        }) {}
  ~Watchdog() {
    m_done = true;
    m_thread.join();
  }
  bool cancelled() const { return m_why == 1; }
  bool timed_out() const { return m_why == 2; }

private:
  std::atomic<bool> m_done{false};
  std::atomic<int> m_why{0};
  std::thread m_thread;
};

void keep_tail(std::string& tail, const std::string& line, size_t limit) {
  tail += line;
  tail += '\n';
  if (tail.size() > limit) tail.erase(0, tail.size() - limit);
}

std::string quoted_limit(const Settings& settings, const std::string& name) {
  auto it = settings.limits.find(name);
  return it == settings.limits.end() ? "none" : "\"" + it->second + "\"";
}

} // namespace

KubeRunner::KubeRunner(sdk::Host& host, Settings settings) : m_host(host), m_settings(std::move(settings)) {}

sdk::Result<std::shared_ptr<const KubeApi>> KubeRunner::api(const sdk::CancelToken& cancel) {
  std::lock_guard lock(m_mutex);
  // An exec plugin's credential is asked for again when it is about to expire.
  const auto& expires = m_api ? m_api->cluster().expires : std::nullopt;
  if (m_api && (!expires || system_clock::now() < *expires - minutes(1))) return m_api;
  auto cluster = m_settings.in_cluster
                     ? load_in_cluster(m_settings.service_account_dir, m_settings.in_cluster_server, m_host)
                     : load_kubeconfig(m_settings.kubeconfig.empty() ? default_kubeconfig() : std::filesystem::path(m_settings.kubeconfig),
                                       m_settings.context, m_host, cancel);
  if (!cluster.ok()) return std::move(cluster).failure();
  std::string ns = !m_settings.namespace_name.empty() ? m_settings.namespace_name
                   : !cluster->namespace_name.empty()  ? cluster->namespace_name
                                                       : "default";
  m_api = std::make_shared<const KubeApi>(m_host, std::move(cluster).value(), ns, m_settings.api_timeout);
  return m_api;
}

sdk::Result<sdk::RunnerResult> KubeRunner::run(const sdk::RunnerSession& session, const sdk::LineCallback& on_line,
                                               const sdk::CancelToken& cancel) {
  const auto started = steady_clock::now();
  std::string name = job_name(session.labels);
  auto body = build_job(m_settings, session, name);
  if (!body.ok()) return std::move(body).failure();
  auto made = api(cancel);
  if (!made.ok()) return std::move(made).failure();
  const KubeApi& kube = **made;
  const std::string jobs = jobs_path(kube);

  // A Job with these labels is this session, started by a fanout that was killed: follow it.
  const std::string labels = support::encode_query_value(selector(session_labels(session.labels)));
  auto cancelled_result = [&] {
    sdk::RunnerResult result;
    result.process.cancelled = true;
    result.process.duration = duration_cast<milliseconds>(steady_clock::now() - started);
    return result;
  };
  auto found = kube.call("GET", jobs + "?labelSelector=" + labels, k_list_jobs, cancel);
  if (!found.ok() && found.failure().kind == FailureKind::cancelled) return cancelled_result();
  if (!found.ok()) return std::move(found).failure();
  bool existing = false;
  if (const auto items = found->value("items", nlohmann::json::array()); items.is_array())
    for (const auto& job : items) {
      const auto metadata = job.value("metadata", nlohmann::json::object());
      if (metadata.contains("deletionTimestamp")) continue;
      name = support::string_at(metadata, "name");
      existing = true;
      break;
    }
  if (existing) {
    m_host.log(sdk::LogLevel::info, "following the existing Job \"" + name + "\" of this session");
  } else {
    auto created = kube.call("POST", jobs, k_create_job, cancel, *body);
    if (!created.ok() && created.failure().kind == FailureKind::cancelled) {
      // The Job may exist although its answer was cut off: delete what this session made.
      auto removed = kube.call("DELETE", jobs + "/" + support::encode_path_segment(name) + "?propagationPolicy=Background",
                               k_delete_job, sdk::CancelToken{});
      if (!removed.ok() && removed.failure().kind != FailureKind::not_found)
        m_host.log(sdk::LogLevel::warn, "could not delete the Job \"" + name + "\": " + removed.failure().message);
      return cancelled_result();
    }
    if (!created.ok()) {
      if (created.failure().kind != FailureKind::conflict) return std::move(created).failure();
      // 409 AlreadyExists: another fanout made this session's Job a moment ago; follow it.
      auto there = kube.call("GET", jobs + "/" + support::encode_path_segment(name), k_get_job, cancel);
      if (!there.ok()) return std::move(created).failure();
    }
  }

  const sdk::CancelToken inner;
  std::optional<steady_clock::time_point> deadline;
  if (session.process.timeout.count() > 0)
    deadline = started + session.process.timeout + std::max<milliseconds>(session.process.kill_grace, seconds(5));
  Watchdog watchdog(cancel, inner, deadline);
  const sdk::CancelToken quiet; // for clean-up after a cancel
  auto remove_job = [&] {
    auto removed = kube.call("DELETE", jobs + "/" + support::encode_path_segment(name) + "?propagationPolicy=Background",
                             k_delete_job, quiet);
    if (!removed.ok() && removed.failure().kind != FailureKind::not_found)
      m_host.log(sdk::LogLevel::warn, "could not delete the Job \"" + name + "\": " + removed.failure().message);
  };

  sdk::RunnerResult result;
  sdk::ProcessResult& process = result.process;
  size_t delivered = 0;
  bool stopped = false;
  std::optional<PodView> ended;
  std::string job_reason, job_message;
  const auto pending_since = steady_clock::now();
  const std::string pods_selector = support::encode_query_value("job-name=" + name);
  const std::string image = m_settings.image;

  while (!inner.cancelled()) {
    auto job = kube.call("GET", jobs + "/" + support::encode_path_segment(name), k_get_job, inner);
    if (!job.ok()) {
      if (inner.cancelled()) break;
      if (job.failure().kind == FailureKind::not_found)
        return sdk::fail(FailureKind::not_found, "the Job \"" + name + "\" of this session was deleted while it ran (by `kubectl delete` or its TTL?); resume to start it again");
      return std::move(job).failure();
    }
    const std::string finished = job_finished(*job, &job_reason, &job_message);
    if (finished == "Failed" && job_reason == "DeadlineExceeded") break;
    auto pods = kube.call("GET", pods_path(kube) + "?labelSelector=" + pods_selector, k_list_pods, inner);
    if (!pods.ok()) {
      if (inner.cancelled()) break;
      return std::move(pods).failure();
    }
    auto pod = newest_pod(*pods);
    const bool pending_too_long =
        m_settings.pending_timeout.count() > 0 && steady_clock::now() - pending_since > m_settings.pending_timeout;
    const auto waited = duration_cast<seconds>(steady_clock::now() - pending_since).count();
    if (!pod) {
      if (finished == "Failed") {
        return sdk::fail(FailureKind::error, "the Job \"" + name + "\" failed before its pod started (" + job_reason +
                                                 (job_message.empty() ? "" : ": " + job_message) + ")");
      }
      if (pending_too_long) {
        remove_job();
        return sdk::fail(FailureKind::error, "the Job \"" + name + "\" made no pod in " + std::to_string(waited) +
                                                 "s (a ResourceQuota or LimitRange of namespace \"" + kube.namespace_name() +
                                                 "\"?); see `kubectl describe job " + name + "`");
      }
      pause(m_settings.poll_interval, inner);
      continue;
    }
    const PodView view = view_pod(*pod);
    if (view.phase == PodView::Phase::pending) {
      if (image_pull_failed(view)) {
        remove_job();
        return sdk::fail(FailureKind::error, "the cluster cannot pull the image \"" + image + "\" (" + view.waiting_reason +
                                                 (view.waiting_message.empty() ? "" : ": " + view.waiting_message) +
                                                 "); check [runner] image and the namespace's imagePullSecrets");
      }
      if (view.waiting_reason == "CreateContainerConfigError") {
        remove_job();
        return sdk::fail(FailureKind::invalid_input, "the session's pod cannot start: " + view.waiting_message +
                                                         "; create the Secret that [runner] secrets names in namespace \"" +
                                                         kube.namespace_name() + "\" (docs/runner.md#secrets)");
      }
      if (pending_too_long) {
        remove_job();
        return sdk::fail(FailureKind::error,
                         "the session's pod \"" + view.name + "\" stayed Pending for " + std::to_string(waited) +
                             "s, unschedulable" + (view.unschedulable_message.empty() ? "" : ": " + view.unschedulable_message) +
                             "; lower [runner] requests, fix node_selector or tolerations, or add nodes");
      }
      pause(m_settings.poll_interval, inner);
      continue;
    }

    // Running or done: follow its log from the start, skipping the lines already handed on.
    size_t skip = delivered;
    auto followed = kube.stream(
        pods_path(kube) + "/" + support::encode_path_segment(view.name) + "/log?follow=true&container=" + k_container,
        k_get_log,
        [&](sdk::Stream, const std::string& line) {
          if (skip > 0) {
            --skip;
            return sdk::LineAction::keep;
          }
          ++delivered;
          if (line.rfind(k_head_marker, 0) == 0) {
            result.pushed_head = line.substr(std::string(k_head_marker).size());
            return sdk::LineAction::keep;
          }
          keep_tail(process.out, line, session.process.keep_bytes);
          if (on_line(sdk::Stream::out, line) == sdk::LineAction::stop) stopped = true;
          return stopped ? sdk::LineAction::stop : sdk::LineAction::keep;
        },
        hours(24), inner);
    if (stopped || inner.cancelled()) break;
    if (!followed.ok() && followed.failure().kind == FailureKind::auth) return std::move(followed).failure();
    auto again = kube.call("GET", pods_path(kube) + "/" + support::encode_path_segment(view.name), k_get_pod, inner);
    if (again.ok() && view_pod(*again).phase == PodView::Phase::terminated) {
      ended = view_pod(*again);
      break;
    }
    pause(m_settings.poll_interval, inner);
  }

  process.duration = duration_cast<milliseconds>(steady_clock::now() - started);
  if (stopped || watchdog.cancelled() || watchdog.timed_out()) {
    remove_job();
    process.stopped = stopped;
    process.cancelled = !stopped && watchdog.cancelled();
    process.timed_out = !stopped && watchdog.timed_out();
    return result;
  }
  // The Job controller writes the Job's end after the pod's: wait for it a little.
  for (int look = 0; ended && job_reason.empty() && look < 50; ++look) {
    auto job = kube.call("GET", jobs + "/" + support::encode_path_segment(name), k_get_job, quiet);
    if (!job.ok() || !job_finished(*job, &job_reason, &job_message).empty()) break;
    pause(m_settings.poll_interval, quiet);
  }
  if (job_reason == "DeadlineExceeded") {
    process.timed_out = true;
    process.err = "the Job \"" + name + "\" ran past its activeDeadlineSeconds (the stage timeout) and Kubernetes stopped it" +
                  (job_message.empty() ? "" : ": " + job_message) + "; raise [run] timeout if the session needs longer";
    return result;
  }
  if (!ended) return sdk::fail(FailureKind::error, "lost track of the Job \"" + name + "\"");
  if (ended->reason == "OOMKilled")
    return sdk::fail(FailureKind::error, "the session's container was killed for using more memory than its limit (OOMKilled; [runner] limits.memory is " +
                                             quoted_limit(m_settings, "memory") + "): raise limits.memory");
  process.exit_code = ended->exit_code;
  return result;
}

sdk::Result<std::vector<sdk::RunnerResource>> KubeRunner::list(const std::string& repo, const sdk::CancelToken& cancel) {
  auto made = api(cancel);
  if (!made.ok()) return std::move(made).failure();
  const KubeApi& kube = **made;
  auto found = kube.call("GET", jobs_path(kube) + "?labelSelector=" +
                                    support::encode_query_value(std::string(k_repo_label) + "=" + label_value(repo)),
                         k_list_jobs, cancel);
  if (!found.ok()) return std::move(found).failure();
  std::vector<sdk::RunnerResource> out;
  if (const auto items = found->value("items", nlohmann::json::array()); items.is_array())
    for (const auto& job : items) {
      const auto metadata = job.value("metadata", nlohmann::json::object());
      const auto annotations = metadata.value("annotations", nlohmann::json::object());
      sdk::RunnerResource resource;
      resource.id = "job/" + support::string_at(metadata, "name");
      resource.labels = {support::string_at(annotations, k_repo_label), support::string_at(annotations, k_issue_label),
                         support::string_at(annotations, k_run_label), support::string_at(annotations, k_stage_label)};
      const std::string finished = job_finished(job);
      resource.state = finished == "Complete" ? "succeeded" : finished == "Failed" ? "failed" : "running";
      resource.created_at = support::string_at(metadata, "creationTimestamp");
      out.push_back(std::move(resource));
    }
  return out;
}

sdk::Result<void> KubeRunner::remove(const sdk::RunnerResource& resource, const sdk::CancelToken& cancel) {
  if (resource.id.rfind("job/", 0) != 0)
    return sdk::fail(FailureKind::invalid_input, "\"" + resource.id + "\" is not something the kubernetes runner made");
  auto made = api(cancel);
  if (!made.ok()) return std::move(made).failure();
  const KubeApi& kube = **made;
  auto removed = kube.call("DELETE",
                           jobs_path(kube) + "/" + support::encode_path_segment(resource.id.substr(4)) +
                               "?propagationPolicy=Background",
                           k_delete_job, cancel);
  if (!removed.ok() && removed.failure().kind != FailureKind::not_found) return std::move(removed).failure();
  return {};
}

} // namespace fanout::kubernetes
