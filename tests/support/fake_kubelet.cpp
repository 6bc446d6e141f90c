// The fake Kubernetes server's kubelet and Job controller: makes each Job's pod, runs its
// container command on this machine, and writes pod and Job status as the real ones do;
// and the streaming endpoints (pod log with follow, Job watch) that read what it writes.

#include "tests/support/fake_kubernetes_server.hpp"

#include "host/services/process_runner.hpp"
#include "tests/support/fake_kubelet_pod.hpp"
#include "tests/support/temp_dir.hpp"

#include <ctime>

namespace fanout::test {

using json = nlohmann::json;
using namespace std::chrono;

std::string kube_now() {
  const std::time_t now = system_clock::to_time_t(system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void FakeKubernetesServer::start_pod(const std::string& ns, const std::string& job_name) {
  const json& job = m_jobs.at(ns + "/" + job_name);
  auto pod = std::make_shared<Pod>();
  pod->ns = ns;
  pod->job = job_name;
  pod->fate = m_fate;
  static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string suffix;
  for (unsigned n = static_cast<unsigned>(m_created * 7919 + m_revision * 104729); suffix.size() < 5; n /= 27)
    suffix.push_back(alphabet[n % 27]), n += 13;
  pod->name = job_name + "-" + suffix;
  const json& tmpl = job["spec"]["template"];
  json container_status = {{"name", tmpl["spec"]["containers"][0]["name"]},
                           {"image", tmpl["spec"]["containers"][0]["image"]},
                           {"ready", false},
                           {"restartCount", 0},
                           {"state", {{"waiting", {{"reason", "ContainerCreating"}}}}}};
  json status = {{"phase", "Pending"}};
  if (pod->fate == PodFate::unschedulable) {
    status["conditions"] = {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
                             {"lastTransitionTime", kube_now()},
                             {"message", "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are "
                                         "available: 1 No preemption victims found for incoming pod."}}};
  } else {
    status["conditions"] = {{{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", kube_now()}}};
    status["containerStatuses"] = {container_status};
  }
  pod->object = {{"apiVersion", "v1"},
                 {"kind", "Pod"},
                 {"metadata",
                  {{"name", pod->name},
                   {"namespace", ns},
                   {"labels", tmpl["metadata"]["labels"]},
                   {"creationTimestamp", kube_now()},
                   {"ownerReferences",
                    {{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"name", job_name},
                      {"uid", job["metadata"]["uid"]}, {"controller", true}}}}}},
                 {"spec", tmpl["spec"]},
                 {"status", status}};
  m_pods[ns + "/" + pod->name] = pod;
  m_kubelet.emplace_back([this, pod] { run_pod(pod); });
}

void FakeKubernetesServer::set_job_finished(json& job, bool succeeded, const std::string& reason, const std::string& message) {
  json& status = job["status"];
  status["active"] = 0;
  status[succeeded ? "succeeded" : "failed"] = 1;
  if (succeeded) status["completionTime"] = kube_now();
  const json condition = {{"status", "True"}, {"reason", reason}, {"message", message},
                          {"lastProbeTime", kube_now()}, {"lastTransitionTime", kube_now()}};
  json conditions = json::array();
  json first = condition, last = condition;
  first["type"] = succeeded ? "SuccessCriteriaMet" : "FailureTarget";
  last["type"] = succeeded ? "Complete" : "Failed";
  conditions.push_back(first);
  conditions.push_back(last);
  status["conditions"] = conditions;
  job["metadata"]["resourceVersion"] = std::to_string(m_revision + 1);
}

void FakeKubernetesServer::run_pod(std::shared_ptr<Pod> pod) {
  std::unique_lock lock(m_mutex);
  if (m_stopping || pod->deleted || pod->fate == PodFate::unschedulable) return;
  const std::string job_key = pod->ns + "/" + pod->job;
  json& status = pod->object["status"];
  const json container = pod->object["spec"]["containers"][0];
  const std::string image = container.value("image", "");
  auto wait = [&](std::string reason, std::string message) {
    status["containerStatuses"][0]["state"] = {{"waiting", {{"reason", std::move(reason)}, {"message", std::move(message)}}}};
    changed();
  };
  if (pod->fate == PodFate::image_pull) {
    wait("ErrImagePull", "rpc error: code = NotFound desc = failed to pull and unpack image \"" + image +
                             "\": failed to resolve reference \"" + image + "\": not found");
    m_changed.wait_for(lock, milliseconds(200), [&] { return m_stopping || pod->deleted; });
    if (!m_stopping && !pod->deleted) wait("ImagePullBackOff", "Back-off pulling image \"" + image + "\"");
    return;
  }

  auto dir = std::make_shared<TempDir>("kubelet");
  std::map<std::string, std::string> env = m_options.image_env;
  if (!env.count("HOME")) env["HOME"] = dir->path().string();
  if (container.contains("env"))
    for (const auto& item : container["env"]) {
      const std::string name = item.value("name", "");
      if (!item.contains("valueFrom")) {
        env[name] = item.value("value", "");
        continue;
      }
      const json ref = item["valueFrom"].value("secretKeyRef", json::object());
      const std::string secret = ref.value("name", ""), key = ref.value("key", "");
      auto found = m_secrets.find(pod->ns + "/" + secret);
      if (found == m_secrets.end()) return wait("CreateContainerConfigError", "secret \"" + secret + "\" not found");
      auto value = found->second.find(key);
      if (value == found->second.end())
        return wait("CreateContainerConfigError", "couldn't find key " + key + " in Secret " + pod->ns + "/" + secret);
      env[name] = value->second;
    }

  status["phase"] = "Running";
  status["startTime"] = kube_now();
  status["containerStatuses"][0]["state"] = {{"running", {{"startedAt", kube_now()}}}};
  status["containerStatuses"][0]["ready"] = true;
  if (pod->fate == PodFate::oom_killed) {
    status["phase"] = "Failed";
    status["containerStatuses"][0]["state"] = {{"terminated", {{"exitCode", 137}, {"reason", "OOMKilled"}, {"finishedAt", kube_now()}}}};
    if (auto job = m_jobs.find(job_key); job != m_jobs.end())
      set_job_finished(job->second, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    changed();
    return;
  }

  sdk::ProcessSpec spec;
  for (const char* part : {"command", "args"})
    if (container.contains(part))
      for (const auto& word : container[part]) spec.argv.push_back(word.get<std::string>());
  spec.workdir = dir->path();
  spec.env = env;
  spec.replace_env = true;
  spec.kill_grace = seconds(1);
  if (auto job = m_jobs.find(job_key); job != m_jobs.end() && job->second["spec"].contains("activeDeadlineSeconds"))
    spec.timeout = seconds(job->second["spec"]["activeDeadlineSeconds"].get<long long>());
  pod->process_started = true;
  changed();
  const sdk::CancelToken cancel = pod->cancel;
  lock.unlock();

  services::LocalProcessRunner runner(nullptr);
  auto ran = runner.run(
      spec,
      [&](sdk::Stream, const std::string& line) {
        std::lock_guard guard(m_mutex);
        pod->log.push_back(line);
        changed();
      },
      cancel);

  lock.lock();
  pod->process_ended = true;
  if (pod->deleted) {
    m_pods.erase(pod->ns + "/" + pod->name);
    changed();
    return;
  }
  int code = 128;
  if (!ran.ok()) pod->log.push_back("exec: " + ran.failure().message);
  else code = ran->signaled ? 128 + ran->signal : ran->exit_code;
  const bool timed_out = ran.ok() && ran->timed_out;
  status["phase"] = code == 0 && !timed_out ? "Succeeded" : "Failed";
  status["containerStatuses"][0]["ready"] = false;
  status["containerStatuses"][0]["state"] = {{"terminated",
                                              {{"exitCode", code},
                                               {"reason", code == 0 ? "Completed" : "Error"},
                                               {"finishedAt", kube_now()}}}};
  if (auto job = m_jobs.find(job_key); job != m_jobs.end()) {
    if (timed_out) set_job_finished(job->second, false, "DeadlineExceeded", "Job was active longer than specified deadline");
    else if (code == 0) set_job_finished(job->second, true, "CompletionsReached", "Reached expected number of succeeded pods");
    else set_job_finished(job->second, false, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
  }
  changed();
}

void FakeKubernetesServer::follow_log(const std::string& ns, const std::string& name, const httplib::Request& request,
                                      httplib::Response& response) {
  std::shared_ptr<Pod> pod;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_pods.find(ns + "/" + name);
    if (it == m_pods.end()) {
      response.status = 404;
      response.set_content(kube_status(404, "NotFound", "pods \"" + name + "\" not found").dump(), "application/json");
      return;
    }
    pod = it->second;
    const std::string container = request.get_param_value("container");
    const std::string own = pod->object["spec"]["containers"][0].value("name", "");
    if (!container.empty() && container != own) {
      response.status = 400;
      response.set_content(kube_status(400, "BadRequest", "container " + container + " is not valid for pod " + name).dump(),
                           "application/json");
      return;
    }
    if (!pod->process_started && pod->log.empty() &&
        pod->object["status"].value("phase", "") == "Pending") {
      const json state = pod->object["status"].value("containerStatuses", json::array()).empty()
                             ? json::object()
                             : pod->object["status"]["containerStatuses"][0]["state"];
      const std::string reason = state.contains("waiting") ? state["waiting"].value("reason", "") : "";
      response.status = 400;
      response.set_content(kube_status(400, "BadRequest", "container \"" + own + "\" in pod \"" + name +
                                                              "\" is waiting to start: " + (reason.empty() ? "ContainerCreating" : reason))
                               .dump(),
                           "application/json");
      return;
    }
    if (request.get_param_value("follow") != "true") {
      std::string body;
      for (const auto& line : pod->log) body += line + "\n";
      response.set_content(body, "text/plain");
      return;
    }
  }
  response.set_chunked_content_provider("text/plain", [this, pod, sent = size_t(0)](size_t, httplib::DataSink& sink) mutable {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, milliseconds(200), [&] {
      return m_stopping || pod->log.size() > sent || pod->process_ended || pod->deleted ||
             (!pod->process_started && pod->fate != PodFate::run);
    });
    std::string chunk;
    while (sent < pod->log.size()) chunk += pod->log[sent++] + "\n";
    const bool done = m_stopping || pod->deleted || pod->process_ended || !pod->process_started;
    lock.unlock();
    if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
    if (done) sink.done();
    else if (chunk.empty() && !sink.is_writable()) return false;
    return true;
  });
}

void FakeKubernetesServer::watch_jobs(const std::string& ns, const httplib::Request& request, httplib::Response& response) {
  const std::string selector = request.get_param_value("labelSelector");
  const std::string field = request.get_param_value("fieldSelector"); // "metadata.name=x" only
  const std::string only = field.rfind("metadata.name=", 0) == 0 ? field.substr(14) : "";
  const auto until = steady_clock::now() + seconds(request.has_param("timeoutSeconds")
                                                        ? std::stoll(request.get_param_value("timeoutSeconds"))
                                                        : 300);
  auto seen = std::make_shared<std::map<std::string, std::string>>(); // name -> the object last sent
  auto first = std::make_shared<bool>(true);
  response.set_chunked_content_provider("application/json", [=, this](size_t, httplib::DataSink& sink) {
    std::unique_lock lock(m_mutex);
    const int revision = m_revision;
    if (!*first) m_changed.wait_for(lock, milliseconds(200), [&] { return m_stopping || m_revision != revision; });
    *first = false;
    std::string chunk;
    std::map<std::string, std::string> now;
    for (const auto& [key, job] : m_jobs) {
      const auto& metadata = job["metadata"];
      const std::string name = metadata["name"];
      if (metadata["namespace"] != ns || (!only.empty() && name != only) ||
          !selector_matches_labels(selector, metadata.value("labels", json::object())))
        continue;
      const std::string version = job.dump();
      now[name] = version;
      auto it = seen->find(name);
      if (it == seen->end()) chunk += json{{"type", "ADDED"}, {"object", job}}.dump() + "\n";
      else if (it->second != version) chunk += json{{"type", "MODIFIED"}, {"object", job}}.dump() + "\n";
    }
    for (const auto& [name, version] : *seen)
      if (!now.count(name))
        chunk += json{{"type", "DELETED"}, {"object", json::parse(version)}}.dump() + "\n";
    *seen = std::move(now);
    const bool done = m_stopping || steady_clock::now() >= until;
    lock.unlock();
    if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
    if (done) sink.done();
    else if (chunk.empty() && !sink.is_writable()) return false;
    return true;
  });
}

} // namespace fanout::test
