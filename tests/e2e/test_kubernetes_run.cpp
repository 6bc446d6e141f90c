// The whole loop on the kubernetes runner: every agent session is a Job on the fake API
// server, whose kubelet clones the branch from the local bare origin, runs the fake agent
// and pushes its commits; fanout fetches them, reviews and publishes as with local sessions.

#include "tests/support/e2e.hpp"
#include "tests/support/fake_kubernetes_server.hpp"
#include "tests/support/scoped_env.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <cstdlib>
#include <set>

using namespace fanout::test;
using nlohmann::json;

namespace {

/// The fake API server for `e2e`: its "image" has the e2e's fake claude and this machine's
/// sh, git and python3 on its PATH.
FakeKubernetesServer::Options image_for(const E2e& e2e) {
  FakeKubernetesServer::Options options;
  const char* path = std::getenv("PATH");
  options.image_env["PATH"] = (e2e.root / "bin").string() + ":" + (path ? path : "/usr/bin:/bin");
  options.image_env["GIT_CONFIG_NOSYSTEM"] = "1";
  return options;
}

/// Writes a kubeconfig for `kube` and puts `[runner] kind = "kubernetes"` in e2e's fanout.toml.
void use_cluster(E2e& e2e, const FakeKubernetesServer& kube, const TestCertificates& certs,
                 const std::filesystem::path& kubeconfig) {
  write_text(kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: e2e\nclusters:\n- name: c\n  cluster:\n"
                         "    server: " + kube.url() + "\n    certificate-authority-data: " +
                             base64(read_text(certs.ca_cert)) +
                             "\ncontexts:\n- name: e2e\n  context:\n    cluster: c\n    user: u\n"
                             "users:\n- name: u\n  user:\n    token: " + kube.token() + "\n");
  e2e.append_config("\n[runner]\nkind = \"kubernetes\"\nimage = \"fanout-agent:e2e\"\nkubeconfig = \"" +
                    kubeconfig.string() + "\"\npoll_interval = \"1s\"\n");
}

} // namespace

TEST_CASE("e2e: run 1 2 3 on the kubernetes runner: sessions are Jobs, commits come back, reviews and PRs as local",
          "[e2e][kubernetes]") {
  E2e e2e;
  e2e.without_database(); // sqlite branches live on this machine only
  TempDir cluster("e2e-kube");
  auto certs = make_test_certificates(cluster.path());
  FakeKubernetesServer kube(certs, image_for(e2e));
  use_cluster(e2e, kube, certs, cluster / "kubeconfig");
  // The agents' API key reaches every session's pod by reference only.
  const std::string api_key = "sk-ant-e2e-value-5c1e9b";
  ScopedEnv key("ANTHROPIC_API_KEY", api_key);
  kube.add_secret("default", "agent-keys", {{"anthropic", api_key}});
  e2e.append_config("\n[runner.secrets]\nANTHROPIC_API_KEY = \"agent-keys/anthropic\"\n");

  auto ran = e2e.fanout({"run", "1", "2", "3"});
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.find("3 run(s): 3 done") != std::string::npos);

  // Every agent session ran as a Job: plan and build of each issue, the fix round of
  // issue 2 and the agent reviews.
  const auto bodies = kube.requests("POST", "/apis/batch/v1/namespaces/default/jobs");
  std::set<std::string> stages;
  for (const auto& request : bodies) {
    const auto job = json::parse(request.body);
    stages.insert(job["metadata"]["annotations"]["fanout/issue"].get<std::string>() + " " +
                  job["metadata"]["annotations"]["fanout/stage"].get<std::string>());
  }
  INFO(json(stages).dump());
  CHECK(stages.count("1 plan"));
  CHECK(stages.count("1 build"));
  CHECK(stages.count("2 build"));
  CHECK(stages.count("3 build"));
  CHECK(kube.jobs_created() == static_cast<int>(bodies.size()));
  const json key_ref = {{"name", "ANTHROPIC_API_KEY"},
                        {"valueFrom", {{"secretKeyRef", {{"name", "agent-keys"}, {"key", "anthropic"}}}}}};
  for (const auto& request : bodies) {
    const auto env = json::parse(request.body)["spec"]["template"]["spec"]["containers"][0]["env"];
    CHECK(std::count(env.begin(), env.end(), key_ref) == 1);
  }

  // The commits the pods pushed are the pull requests' heads, reviewed and published.
  auto pulls = e2e.server.pulls();
  REQUIRE(pulls.size() == 3);
  for (const auto& pull : pulls) {
    CHECK(e2e.server.reviews(pull.number).size() == 1);
    const auto log = sh("git log --format=%s refs/heads/" + pull.head, e2e.origin);
    INFO(pull.head << ": " << log.out);
    CHECK(log.rc == 0);
    CHECK(log.out.find("implement ") != std::string::npos); // committed in a pod, pushed from there
  }
  auto calls = e2e.calls();
  CHECK(calls["FIX 2"] == 1);

  // No secret value went to the cluster, to fanout's output, or to anything it wrote.
  for (const auto& request : kube.requests()) {
    CHECK(request.body.find(e2e.server.token()) == std::string::npos);
    CHECK(request.body.find(api_key) == std::string::npos);
  }
  CHECK(ran.out.find(api_key) == std::string::npos);
  CHECK(ran.err.find(api_key) == std::string::npos);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(e2e.repo / ".fanout")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    INFO(entry.path());
    CHECK(read_text(entry.path()).find(api_key) == std::string::npos);
  }
  CHECK(files > 0);
}

TEST_CASE("e2e: kill -9 during a build on the kubernetes runner, then resume follows the Job and starts no second one",
          "[e2e][kubernetes]") {
  E2e e2e;
  e2e.without_database();
  const auto gate = e2e.root / "gate";
  e2e.script("BUILD-1", R"({"gate": ")" + gate.string() + R"(", "files": {"feature-1.txt": "issue 1\n"}, "commit": "implement 1"})");
  TempDir cluster("e2e-kube");
  auto certs = make_test_certificates(cluster.path());
  FakeKubernetesServer kube(certs, image_for(e2e));
  use_cluster(e2e, kube, certs, cluster / "kubeconfig");

  const pid_t pid = e2e.start({"run", "1"});
  REQUIRE(e2e.wait_for_call("BUILD 1")); // the build runs in its pod, waiting at the gate
  ::kill(pid, SIGKILL);
  CHECK(e2e.wait(pid).exit_code == 128 + SIGKILL);
  const auto follows = [&] {
    int count = 0;
    for (const auto& request : kube.requests())
      if (request.path.size() > 4 && request.path.compare(request.path.size() - 4, 4, "/log") == 0) ++count;
    return count;
  };
  const int followed_before = follows();

  const pid_t resumed = e2e.start({"resume"});
  // The resumed fanout follows the running Job's log; then the session may end.
  REQUIRE(poll_until([&] { return follows() > followed_before; }, std::chrono::seconds(60)));
  write_text(gate, "open");
  auto ran = e2e.wait(resumed);
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);

  CHECK(e2e.calls()["BUILD 1"] == 1); // one agent session, followed twice
  int builds = 0;
  for (const auto& request : kube.requests("POST", "/apis/batch/v1/namespaces/default/jobs"))
    if (json::parse(request.body)["metadata"]["annotations"]["fanout/stage"] == "build") ++builds;
  CHECK(builds == 1);
  auto pulls = e2e.server.pulls();
  REQUIRE(pulls.size() == 1);
  CHECK(sh("git log --format=%s refs/heads/" + pulls[0].head, e2e.origin).out.find("implement 1") != std::string::npos);
}
