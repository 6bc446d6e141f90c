#include "tests/support/fake_kubernetes_server.hpp"

#include "tests/support/fake_kubelet_pod.hpp"
#include "tests/support/kube_job_schema.hpp"

#include <algorithm>

namespace fanout::test {

using json = nlohmann::json;

bool selector_matches_labels(const std::string& selector, const json& labels) {
  size_t start = 0;
  while (start < selector.size()) {
    size_t end = selector.find(',', start);
    if (end == std::string::npos) end = selector.size();
    std::string term = selector.substr(start, end - start);
    start = end + 1;
    if (term.empty()) continue;
    const auto eq = term.find('=');
    if (eq == std::string::npos) return false;
    const std::string key = term.substr(0, eq);
    std::string value = term.substr(eq + 1);
    if (!value.empty() && value[0] == '=') value.erase(0, 1);
    if (!labels.is_object() || !labels.contains(key) || labels[key] != value) return false;
  }
  return true;
}

namespace {

void answer(httplib::Response& response, int code, const json& body) {
  response.status = code;
  response.set_content(body.dump(), "application/json");
}

void answer_status(httplib::Response& response, int code, const std::string& reason, const std::string& message,
                   const json& details = json::object()) {
  answer(response, code, kube_status(code, reason, message, details));
}

json list_of(const std::string& kind, std::vector<json> items, int revision) {
  return {{"kind", kind}, {"apiVersion", kind == "JobList" ? "batch/v1" : "v1"},
          {"metadata", {{"resourceVersion", std::to_string(revision)}}}, {"items", std::move(items)}};
}

} // namespace

json kube_status(int code, const std::string& reason, const std::string& message, const json& details) {
  return {{"kind", "Status"}, {"apiVersion", "v1"},  {"metadata", json::object()}, {"status", "Failure"},
          {"message", message}, {"reason", reason}, {"details", details},          {"code", code}};
}

FakeKubernetesServer::FakeKubernetesServer(const TestCertificates& certs, Options options)
    : FakeService(certs.server(options.client_certificates)), m_options(std::move(options)) {
  routes();
  start();
}

FakeKubernetesServer::~FakeKubernetesServer() {
  // Log followers and watchers end once they see m_stopping; the server's stop waits for them.
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    for (auto& [key, pod] : m_pods) pod->cancel.cancel();
  }
  m_changed.notify_all();
  stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_mutex);
    threads = std::move(m_kubelet);
  }
  for (auto& thread : threads) thread.join();
}

bool FakeKubernetesServer::authorized(const httplib::Request& request) const {
  // With client certificates the TLS handshake already refused anyone without one.
  return m_options.client_certificates || request.get_header_value("Authorization") == "Bearer " + m_options.token;
}

FailureAnswers FakeKubernetesServer::failure_answers() const {
  FailureAnswers answers;
  answers.failures[FakeFailure::unauthorized] = {401, kube_status(401, "Unauthorized", "Unauthorized").dump()};
  answers.failures[FakeFailure::not_found] = {404, kube_status(404, "NotFound", "the server could not find the requested resource").dump()};
  answers.failures[FakeFailure::rate_limited] = {429, kube_status(429, "TooManyRequests", "Too many requests, please try again later.").dump()};
  answers.failures[FakeFailure::server_error] = {500, kube_status(500, "InternalError", "Internal error occurred: etcdserver: request timed out").dump()};
  answers.failures[FakeFailure::garbage] = {200, "<html>not the API</html>", "text/html"};
  answers.forbidden = {403, kube_status(403, "Forbidden", "forbidden").dump()};
  return answers;
}

void FakeKubernetesServer::add_secret(const std::string& ns, const std::string& name, std::map<std::string, std::string> data) {
  std::lock_guard lock(m_mutex);
  m_secrets[ns + "/" + name] = std::move(data);
}

void FakeKubernetesServer::set_pod_fate(PodFate fate) {
  std::lock_guard lock(m_mutex);
  m_fate = fate;
}

void FakeKubernetesServer::fail_next(const std::string& method, int code, const std::string& reason,
                                     const std::string& message, int count) {
  std::lock_guard lock(m_mutex);
  for (int i = 0; i < count; ++i) m_injected.push_back({method, "", "", code, reason, message});
}

void FakeKubernetesServer::forbid_next(const std::string& verb, const std::string& resource, int count) {
  std::lock_guard lock(m_mutex);
  for (int i = 0; i < count; ++i) m_injected.push_back({"", verb, resource, 403, "Forbidden", ""});
}

std::vector<json> FakeKubernetesServer::jobs() const {
  std::lock_guard lock(m_mutex);
  std::vector<json> out;
  for (const auto& [key, job] : m_jobs) out.push_back(job);
  return out;
}

int FakeKubernetesServer::jobs_created() const {
  std::lock_guard lock(m_mutex);
  return m_created;
}

std::vector<std::string> FakeKubernetesServer::deleted_jobs() const {
  std::lock_guard lock(m_mutex);
  return m_deleted;
}

bool FakeKubernetesServer::wait_until_running(const std::string& job, std::chrono::milliseconds limit) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, limit, [&] {
    for (const auto& [key, pod] : m_pods)
      if (pod->job == job && pod->process_started) return true;
    return false;
  });
}

bool FakeKubernetesServer::wait_until_idle(std::chrono::milliseconds limit) const {
  std::unique_lock lock(m_mutex);
  return m_changed.wait_for(lock, limit, [&] {
    return std::none_of(m_pods.begin(), m_pods.end(), [](const auto& entry) {
      return entry.second->process_started && !entry.second->process_ended;
    });
  });
}

void FakeKubernetesServer::changed() {
  ++m_revision;
  m_changed.notify_all();
}

bool FakeKubernetesServer::injected(const httplib::Request& request, httplib::Response& response, const std::string& verb,
                                    const std::string& resource) {
  Injected hit;
  {
    std::lock_guard lock(m_mutex);
    auto it = std::find_if(m_injected.begin(), m_injected.end(), [&](const Injected& i) {
      return i.verb.empty() ? i.method == request.method : i.verb == verb && i.resource == resource;
    });
    if (it == m_injected.end()) return false;
    hit = *it;
    m_injected.erase(it);
  }
  if (hit.code == 403) {
    const std::string group = resource == "jobs" ? "batch" : "";
    const std::string ns = request.matches.size() > 1 ? std::string(request.matches[1]) : "default";
    hit.message = resource + (group.empty() ? "" : "." + group) + " is forbidden: User \"fanout-test\" cannot " + verb +
                  " resource \"" + resource.substr(0, resource.find('/')) + "\"" +
                  (resource.find('/') != std::string::npos ? " with subresource \"" + resource.substr(resource.find('/') + 1) + "\"" : "") +
                  " in API group \"" + group + "\" in the namespace \"" + ns + "\"";
  }
  if (hit.code == 429) response.set_header("Retry-After", "0");
  answer_status(response, hit.code, hit.reason, hit.message);
  return true;
}

void FakeKubernetesServer::routes() {
  const std::string jobs = R"(/apis/batch/v1/namespaces/([a-z0-9-]+)/jobs)";
  const std::string pods = R"(/api/v1/namespaces/([a-z0-9-]+)/pods)";

  server().Post(jobs, [this](const httplib::Request& req, httplib::Response& res) {
    if (!injected(req, res, "create", "jobs")) create_job(req.matches[1], req, res);
  });
  server().Get(jobs, [this](const httplib::Request& req, httplib::Response& res) {
    const bool watch = req.get_param_value("watch") == "true" || req.get_param_value("watch") == "1";
    if (injected(req, res, watch ? "watch" : "list", "jobs")) return;
    if (watch) return watch_jobs(req.matches[1], req, res);
    const std::string ns = req.matches[1];
    const std::string selector = req.get_param_value("labelSelector");
    std::lock_guard lock(m_mutex);
    std::vector<json> items;
    for (const auto& [key, job] : m_jobs)
      if (job["metadata"]["namespace"] == ns && selector_matches_labels(selector, job["metadata"].value("labels", json::object())))
        items.push_back(job);
    answer(res, 200, list_of("JobList", items, m_revision));
  });
  server().Get(jobs + "/([a-z0-9-]+)", [this](const httplib::Request& req, httplib::Response& res) {
    if (injected(req, res, "get", "jobs")) return;
    std::lock_guard lock(m_mutex);
    auto it = m_jobs.find(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
    if (it == m_jobs.end())
      return answer_status(res, 404, "NotFound", "jobs.batch \"" + std::string(req.matches[2]) + "\" not found",
                           {{"name", std::string(req.matches[2])}, {"group", "batch"}, {"kind", "jobs"}});
    answer(res, 200, it->second);
  });
  server().Delete(jobs + "/([a-z0-9-]+)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!injected(req, res, "delete", "jobs")) delete_job(req.matches[1], req.matches[2], req, res);
  });
  server().Get(pods, [this](const httplib::Request& req, httplib::Response& res) {
    if (injected(req, res, "list", "pods")) return;
    const std::string ns = req.matches[1];
    const std::string selector = req.get_param_value("labelSelector");
    std::lock_guard lock(m_mutex);
    std::vector<json> items;
    for (const auto& [key, pod] : m_pods)
      if (pod->ns == ns && selector_matches_labels(selector, pod->object["metadata"]["labels"])) items.push_back(pod->object);
    answer(res, 200, list_of("PodList", items, m_revision));
  });
  server().Get(pods + "/([a-z0-9-]+)", [this](const httplib::Request& req, httplib::Response& res) {
    if (injected(req, res, "get", "pods")) return;
    std::lock_guard lock(m_mutex);
    auto it = m_pods.find(std::string(req.matches[1]) + "/" + std::string(req.matches[2]));
    if (it == m_pods.end())
      return answer_status(res, 404, "NotFound", "pods \"" + std::string(req.matches[2]) + "\" not found");
    answer(res, 200, it->second->object);
  });
  server().Get(pods + "/([a-z0-9-]+)/log", [this](const httplib::Request& req, httplib::Response& res) {
    if (!injected(req, res, "get", "pods/log")) follow_log(req.matches[1], req.matches[2], req, res);
  });
}

void FakeKubernetesServer::create_job(const std::string& ns, const httplib::Request& request, httplib::Response& response) {
  json job = json::parse(request.body, nullptr, false);
  if (job.is_discarded() || !job.is_object())
    return answer_status(response, 400, "BadRequest", "the body of the request was in an unknown format");
  if (job.value("apiVersion", "") != "batch/v1" || job.value("kind", "") != "Job")
    return answer_status(response, 400, "BadRequest", "the API version in the data (" + job.value("apiVersion", "") +
                                                          ") does not match the expected API version (batch/v1)");
  const std::string name = job.contains("metadata") && job["metadata"].is_object() ? job["metadata"].value("name", "") : "";
  if (auto causes = validate_job(job); !causes.empty()) {
    json items = json::array();
    std::string text;
    for (const auto& cause : causes) {
      items.push_back({{"reason", cause.type}, {"message", cause.message}, {"field", cause.field}});
      text += (text.empty() ? "" : ", ") + cause.field + ": " + cause.message;
    }
    if (causes.size() > 1) text = "[" + text + "]";
    return answer_status(response, 422, "Invalid", "Job.batch \"" + name + "\" is invalid: " + text,
                         {{"name", name}, {"group", "batch"}, {"kind", "Job"}, {"causes", items}});
  }
  std::lock_guard lock(m_mutex);
  const std::string key = ns + "/" + name;
  if (m_jobs.count(key))
    return answer_status(response, 409, "AlreadyExists", "jobs.batch \"" + name + "\" already exists",
                         {{"name", name}, {"group", "batch"}, {"kind", "jobs"}});
  auto& metadata = job["metadata"];
  metadata["namespace"] = ns;
  metadata["uid"] = "uid-" + std::to_string(++m_created) + "-" + name;
  metadata["creationTimestamp"] = kube_now();
  metadata["resourceVersion"] = std::to_string(m_revision + 1);
  job["spec"]["template"]["metadata"]["labels"]["batch.kubernetes.io/job-name"] = name;
  job["spec"]["template"]["metadata"]["labels"]["job-name"] = name;
  job["spec"]["template"]["metadata"]["labels"]["controller-uid"] = metadata["uid"];
  job["status"] = {{"startTime", kube_now()}, {"active", 1}};
  m_jobs[key] = job;
  start_pod(ns, name);
  changed();
  answer(response, 201, job);
}

void FakeKubernetesServer::delete_job(const std::string& ns, const std::string& name, const httplib::Request& request,
                                      httplib::Response& response) {
  std::string policy = request.get_param_value("propagationPolicy");
  if (auto options = json::parse(request.body, nullptr, false); options.is_object())
    policy = options.value("propagationPolicy", policy);
  std::lock_guard lock(m_mutex);
  auto it = m_jobs.find(ns + "/" + name);
  if (it == m_jobs.end())
    return answer_status(response, 404, "NotFound", "jobs.batch \"" + name + "\" not found",
                         {{"name", name}, {"group", "batch"}, {"kind", "jobs"}});
  json job = it->second;
  m_jobs.erase(it);
  m_deleted.push_back(name + "?propagationPolicy=" + policy);
  // Background and Foreground remove the pods; Orphan (the default for Jobs!) leaves them.
  if (policy == "Background" || policy == "Foreground")
    for (auto& [key, pod] : m_pods)
      if (pod->ns == ns && pod->job == name) {
        pod->deleted = true;
        pod->object["metadata"]["deletionTimestamp"] = kube_now();
        pod->cancel.cancel();
      }
  for (auto pod = m_pods.begin(); pod != m_pods.end();)
    pod = pod->second->deleted && !(pod->second->process_started && !pod->second->process_ended) ? m_pods.erase(pod) : std::next(pod);
  changed();
  answer(response, 200, job);
}

} // namespace fanout::test
