#include "tests/plugins/kubernetes/kube_test_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::kube;

namespace {

std::string failure_of(KubeFixture& f, const nlohmann::json& extra = nlohmann::json::object(),
                       const std::string& script = "echo ran") {
  auto runner = f.load(extra);
  auto ran = run_session(*runner, f.session(script));
  REQUIRE_FALSE(ran.result.ok());
  return ran.result.failure().message;
}

} // namespace

TEST_CASE("kubernetes runner: a context the kubeconfig lacks names the ones it has", "[kubernetes][failures]") {
  KubeFixture f;
  auto runner = f.load({{"context", "prod"}});
  auto ran = run_session(*runner, f.session("true"));
  REQUIRE_FALSE(ran.result.ok());
  CHECK(ran.result.failure().kind == sdk::FailureKind::not_found);
  CHECK(ran.result.failure().message == "kubeconfig \"" + f.kubeconfig.string() +
                                            "\" has no context \"prod\" (its contexts: \"fake\", \"other\"); fix [runner] context");
}

TEST_CASE("kubernetes runner: a refused credential (401) says which context to renew", "[kubernetes][failures]") {
  KubeFixture f;
  f.write_kubeconfig("    token: expired-token-value");
  auto runner = f.load();
  auto ran = run_session(*runner, f.session("true"));
  REQUIRE_FALSE(ran.result.ok());
  CHECK(ran.result.failure().kind == sdk::FailureKind::auth);
  CHECK(ran.result.failure().message ==
        "the Kubernetes API at " + f.kube->url() + " refused the credentials of context \"fake\" of kubeconfig \"" +
            f.kubeconfig.string() + "\" (HTTP 401): Unauthorized; renew the token or client certificate (or log in "
            "again with the cluster's CLI)");
}

TEST_CASE("kubernetes runner: RBAC refusals (403) name the verb and the resource", "[kubernetes][failures]") {
  KubeFixture f;
  std::string verb, resource;
  SECTION("create jobs") { verb = "create", resource = "jobs"; }
  SECTION("list jobs") { verb = "list", resource = "jobs"; }
  SECTION("get jobs") { verb = "get", resource = "jobs"; }
  SECTION("list pods") { verb = "list", resource = "pods"; }
  SECTION("get pods/log") { verb = "get", resource = "pods/log"; }
  f.kube->forbid_next(verb, resource);
  auto runner = f.load();
  auto ran = run_session(*runner, f.session("echo ran"));
  REQUIRE_FALSE(ran.result.ok());
  CHECK(ran.result.failure().kind == sdk::FailureKind::auth);
  CHECK_THAT(ran.result.failure().message,
             Catch::StartsWith("Kubernetes RBAC forbids \"" + verb + "\" on \"" + resource +
                               "\" in namespace \"default\" (HTTP 403): "));
  CHECK_THAT(ran.result.failure().message,
             Catch::EndsWith("; give fanout's user or service account a Role with that verb (docs/runner.md#rbac)"));
}

TEST_CASE("kubernetes runner: an image that cannot be pulled fails and deletes the Job", "[kubernetes][failures]") {
  KubeFixture f;
  f.kube->set_pod_fate(PodFate::image_pull);
  auto runner = f.load({{"image", "registry.example/agent:missing"}});
  auto ran = run_session(*runner, f.session("true"));
  REQUIRE_FALSE(ran.result.ok());
  CHECK_THAT(ran.result.failure().message,
             Catch::StartsWith("the cluster cannot pull the image \"registry.example/agent:missing\" (ErrImagePull: "));
  CHECK_THAT(ran.result.failure().message, Catch::EndsWith("); check [runner] image and the namespace's imagePullSecrets"));
  CHECK(f.kube->deleted_jobs().size() == 1);
  CHECK(f.kube->jobs().empty());
}

TEST_CASE("kubernetes runner: a pod Pending past pending_timeout is unschedulable", "[kubernetes][failures]") {
  KubeFixture f;
  f.kube->set_pod_fate(PodFate::unschedulable);
  const std::string message = failure_of(f, {{"pending_timeout", 300}});
  CHECK_THAT(message, Catch::StartsWith("the session's pod \"fanout-7-build-"));
  CHECK_THAT(message, Catch::Contains("\" stayed Pending for "));
  CHECK_THAT(message, Catch::Contains("s, unschedulable: 0/1 nodes are available: 1 Insufficient memory."));
  CHECK_THAT(message, Catch::EndsWith("; lower [runner] requests, fix node_selector or tolerations, or add nodes"));
  CHECK(f.kube->jobs().empty());
}

TEST_CASE("kubernetes runner: a container killed for memory says which limit to raise", "[kubernetes][failures]") {
  KubeFixture f;
  f.kube->set_pod_fate(PodFate::oom_killed);
  CHECK(failure_of(f, {{"limits", {{"memory", "64Mi"}}}}) ==
        "the session's container was killed for using more memory than its limit (OOMKilled; [runner] limits.memory "
        "is \"64Mi\"): raise limits.memory");
}

TEST_CASE("kubernetes runner: a Job past its activeDeadlineSeconds is a timed-out session", "[kubernetes][failures]") {
  KubeFixture f;
  auto runner = f.load();
  auto session = f.session("echo before the deadline; sleep 30; echo never");
  session.process.timeout = std::chrono::seconds(1);
  auto ran = run_session(*runner, session);
  REQUIRE(ran.result.ok());
  CHECK(ran.result->process.timed_out);
  CHECK(ran.result->process.err ==
        "the Job \"" + f.only_job_name() + "\" ran past its activeDeadlineSeconds (the stage timeout) and Kubernetes "
        "stopped it: Job was active longer than specified deadline; raise [run] timeout if the session needs longer");
  CHECK(ran.lines == std::vector<std::string>{"before the deadline"});
}

TEST_CASE("kubernetes runner: a Secret missing in the cluster fails with what to create", "[kubernetes][failures]") {
  KubeFixture f;
  const std::string message = failure_of(f, {{"git_token_secret", "git/token"}});
  CHECK(message == "the session's pod cannot start: secret \"git\" not found; create the Secret that [runner] secrets "
                   "names in namespace \"default\" (docs/runner.md#secrets)");
  CHECK(f.kube->jobs().empty());
}

TEST_CASE("kubernetes runner: API errors 409, 422, 429 and 5xx say what happened", "[kubernetes][failures]") {
  KubeFixture f;
  SECTION("409 on create") {
    f.kube->fail_next("POST", 409, "Conflict", "Operation cannot be fulfilled on jobs.batch: the object has been modified");
    auto runner = f.load();
    auto ran = run_session(*runner, f.session("true"));
    REQUIRE_FALSE(ran.result.ok());
    CHECK(ran.result.failure().kind == sdk::FailureKind::conflict);
    CHECK(ran.result.failure().message ==
          "the Kubernetes API refused \"create\" on \"jobs\" in namespace \"default\" with a conflict (HTTP 409): "
          "Operation cannot be fulfilled on jobs.batch: the object has been modified");
  }
  SECTION("422 from the schema check of the Job") {
    auto runner = f.load({{"limits", {{"memory", "lots"}}}});
    auto ran = run_session(*runner, f.session("true"));
    REQUIRE_FALSE(ran.result.ok());
    CHECK(ran.result.failure().kind == sdk::FailureKind::invalid_input);
    CHECK_THAT(ran.result.failure().message,
               Catch::StartsWith("the Kubernetes API rejected \"create\" on \"jobs\" in namespace \"default\" as invalid "
                                 "(HTTP 422): Job.batch \"fanout-7-build-"));
    CHECK_THAT(ran.result.failure().message,
               Catch::Contains("is invalid: spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "
                               "\"lots\": quantities must match the regular expression"));
    CHECK_THAT(ran.result.failure().message,
               Catch::EndsWith("; check [runner] image, requests, limits, node_selector and tolerations"));
  }
  SECTION("429 on every attempt") {
    f.kube->fail_next("GET", 429, "TooManyRequests", "Too many requests, please try again later.", 4);
    auto runner = f.load();
    auto ran = run_session(*runner, f.session("true"));
    REQUIRE_FALSE(ran.result.ok());
    CHECK(ran.result.failure().kind == sdk::FailureKind::rate_limited);
    const std::string port = f.kube->url().substr(f.kube->url().rfind(':') + 1);
    CHECK_THAT(ran.result.failure().message,
               Catch::StartsWith("the Kubernetes API kept rate limiting \"list\" on \"jobs\": rate limited by 127.0.0.1:" +
                                 port + " after 4 attempts"));
    CHECK_THAT(ran.result.failure().message, Catch::EndsWith("; try again later or lower [run] parallel"));
  }
  SECTION("503 after the retries") {
    f.kube->fail_next("GET", 503, "ServiceUnavailable", "the server is currently unable to handle the request", 4);
    auto runner = f.load();
    auto ran = run_session(*runner, f.session("true"));
    REQUIRE_FALSE(ran.result.ok());
    CHECK(ran.result.failure().kind == sdk::FailureKind::error);
    CHECK(ran.result.failure().message ==
          "the Kubernetes API at " + f.kube->url() + " failed \"list\" on \"jobs\" in namespace \"default\" (HTTP 503): "
          "the server is currently unable to handle the request; check the cluster's control plane, then resume");
  }
  SECTION("a 5xx that passes is retried and the session runs") {
    f.kube->fail_next("GET", 500, "InternalError", "etcdserver: request timed out", 1);
    auto runner = f.load();
    auto ran = run_session(*runner, f.session("echo ran"));
    REQUIRE(ran.result.ok());
    CHECK(ran.lines == std::vector<std::string>{"ran"});
  }
}

TEST_CASE("kubernetes runner: a config without an image is refused when made", "[kubernetes][failures]") {
  KubeFixture f;
  auto made = f.try_load({{"image", nullptr}});
  REQUIRE_FALSE(made.ok());
  CHECK_THAT(made.failure().message,
             Catch::EndsWith("[runner] image: the kubernetes runner needs an image with sh, git and the agent CLI "
                             "(docs/runner.md#the-image)"));
}
