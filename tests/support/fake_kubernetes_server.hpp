#pragma once
// FakeKubernetesServer: a Kubernetes API server on 127.0.0.1 over HTTPS, written from the
// API reference for what fanout's kubernetes runner uses: batch/v1 Jobs (create, get, list
// by labelSelector, watch, delete with propagationPolicy), core/v1 pods (list by label, get)
// and pod logs (follow). Every Job body is checked against the Job schema
// (tests/support/kube_job_schema.hpp) and refused with a 422 Status as the real server
// does. Errors are Status objects.
//
// Its fake kubelet really runs each Job's container: `command` + `args` with `sh` on this
// machine, in a fresh temp folder standing for the container's working directory, with the
// container's env (secretKeyRef values resolved from the Secrets the test added) over the
// "image"'s environment (Options::image_env), killed at activeDeadlineSeconds. Its output
// is the pod's log; pod and Job status follow it as the real controllers write them.

#include "tests/support/fake_service.hpp"
#include "tests/support/test_certificates.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace fanout::test {

/// What the fake kubelet does with the pods of the Jobs created from now on.
enum class PodFate {
  run,            ///< runs the container command
  image_pull,     ///< ErrImagePull, then ImagePullBackOff: stays Pending
  unschedulable,  ///< PodScheduled False (Unschedulable): stays Pending
  oom_killed,     ///< starts, then the container ends as OOMKilled (exit 137)
};

class FakeKubernetesServer : public FakeService {
public:
  struct Options {
    /// Authenticate by client certificate (the TLS handshake demands one signed by the
    /// test CA) instead of a bearer token.
    bool client_certificates = false;
    std::string token = "fake-kube-token-5e8c";
    /// The environment the container command starts from (PATH, HOME...), as an image's
    /// would be. HOME is set to the container's folder when absent.
    std::map<std::string, std::string> image_env;
  };

  FakeKubernetesServer(const TestCertificates& certs, Options options);
  ~FakeKubernetesServer() override;

  const std::string& token() const { return m_options.token; }

  /// A Secret `name` with `data` (plain values; the API would hold them base64) in `ns`.
  void add_secret(const std::string& ns, const std::string& name, std::map<std::string, std::string> data);
  /// The fate of the pods of the Jobs created from now on.
  void set_pod_fate(PodFate fate);
  /// Answers the next `count` requests with `method` with a Status of `code` and `reason`
  /// ("Conflict", "Invalid", "InternalError"...) instead of handling them.
  void fail_next(const std::string& method, int code, const std::string& reason, const std::string& message,
                 int count = 1);
  /// Answers the next `count` requests for `verb` ("create", "list", "get", "delete") on
  /// `resource` ("jobs", "pods", "pods/log") with RBAC's 403.
  void forbid_next(const std::string& verb, const std::string& resource, int count = 1);

  /// The Jobs stored now (any namespace), as the API would return them.
  std::vector<nlohmann::json> jobs() const;
  /// How many Jobs were created (POSTs that stored one).
  int jobs_created() const;
  /// "name?propagationPolicy=..." of every Job DELETE that found its Job.
  std::vector<std::string> deleted_jobs() const;
  /// Blocks until a pod of Job `job` runs its command (bounded by `limit`).
  bool wait_until_running(const std::string& job, std::chrono::milliseconds limit) const;
  /// Blocks until every pod process has ended (bounded by `limit`).
  bool wait_until_idle(std::chrono::milliseconds limit) const;

protected:
  bool authorized(const httplib::Request& request) const override;
  FailureAnswers failure_answers() const override;

private:
  struct Pod;
  struct Injected {
    std::string method;
    std::string verb, resource; ///< set for a 403
    int code = 0;
    std::string reason, message;
  };

  void routes();
  bool injected(const httplib::Request& request, httplib::Response& response, const std::string& verb,
                const std::string& resource);
  void create_job(const std::string& ns, const httplib::Request& request, httplib::Response& response);
  void delete_job(const std::string& ns, const std::string& name, const httplib::Request& request,
                  httplib::Response& response);
  void follow_log(const std::string& ns, const std::string& name, const httplib::Request& request,
                  httplib::Response& response);
  void watch_jobs(const std::string& ns, const httplib::Request& request, httplib::Response& response);

  // The kubelet and the Job controller (fake_kubelet.cpp). Called with m_mutex held.
  void start_pod(const std::string& ns, const std::string& job_name);
  void run_pod(std::shared_ptr<Pod> pod);
  void set_job_finished(nlohmann::json& job, bool succeeded, const std::string& reason, const std::string& message);
  void changed(); ///< wakes log followers and watchers

  Options m_options;
  std::map<std::string, nlohmann::json> m_jobs; ///< "ns/name" -> Job
  std::map<std::string, std::shared_ptr<Pod>> m_pods; ///< "ns/name" -> pod
  std::map<std::string, std::map<std::string, std::string>> m_secrets; ///< "ns/name" -> data
  std::vector<Injected> m_injected;
  std::vector<std::string> m_deleted;
  PodFate m_fate = PodFate::run;
  int m_created = 0;
  int m_revision = 1;
  bool m_stopping = false;
  mutable std::condition_variable m_changed;
  std::vector<std::thread> m_kubelet;
};

/// A status JSON for errors, as every Kubernetes API error body is.
nlohmann::json kube_status(int code, const std::string& reason, const std::string& message,
                           const nlohmann::json& details = nlohmann::json::object());

} // namespace fanout::test
