#include "tests/plugins/kubernetes/kube_test_helpers.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace fanout::test;
using namespace fanout::test::kube;

namespace {

void runs(KubeFixture& f, const nlohmann::json& extra = nlohmann::json::object()) {
  auto runner = f.load(extra);
  auto ran = run_session(*runner, f.session("echo authenticated"));
  if (!ran.result.ok()) FAIL(ran.result.failure().message);
  CHECK(ran.lines == std::vector<std::string>{"authenticated"});
}

} // namespace

TEST_CASE("kubeconfig: a client certificate from files or data authenticates", "[kubernetes][kubeconfig]") {
  FakeKubernetesServer::Options options;
  options.client_certificates = true;
  KubeFixture f(options);
  SECTION("files relative to the kubeconfig") {
    f.write_kubeconfig("    client-certificate: " + f.certs.client_cert.filename().string() +
                       "\n    client-key: " + f.certs.client_key.filename().string());
    runs(f);
  }
  SECTION("base64 data") {
    f.write_kubeconfig("    client-certificate-data: " + base64(read_text(f.certs.client_cert)) +
                       "\n    client-key-data: " + base64(read_text(f.certs.client_key)));
    runs(f);
  }
}

TEST_CASE("kubeconfig: an exec credential plugin's token is used and never logged", "[kubernetes][kubeconfig]") {
  KubeFixture f;
  const auto plugin = f.dir / "bin" / "cloud-login";
  write_text(plugin, "#!/bin/sh\n"
                     "case \"$KUBERNETES_EXEC_INFO\" in *ExecCredential*) ;; *) echo no exec info >&2; exit 1;; esac\n"
                     "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                     "\"status\":{\"token\":\"'\"$TOKEN_FOR_TEST\"'\"}}'\n");
  std::filesystem::permissions(plugin, std::filesystem::perms::owner_all);
  SECTION("a good token") {
    f.write_kubeconfig("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./bin/cloud-login\n"
                       "      env:\n      - name: TOKEN_FOR_TEST\n        value: " + f.kube->token());
    runs(f);
    CHECK(f.services->secrets.redact("x " + f.kube->token()) != "x " + f.kube->token());
  }
  SECTION("a plugin that fails") {
    f.write_kubeconfig("    exec:\n      command: ./bin/cloud-login\n      args: [\"--fail\"]\n");
    write_text(plugin, "#!/bin/sh\necho 'login expired: run cloud login' >&2\nexit 4\n");
    auto runner = f.load();
    auto ran = run_session(*runner, f.session("true"));
    REQUIRE_FALSE(ran.result.ok());
    CHECK(ran.result.failure().kind == sdk::FailureKind::auth);
    CHECK(ran.result.failure().message == "context \"fake\" of kubeconfig \"" + f.kubeconfig.string() +
                                              "\": the exec credential plugin \"./bin/cloud-login\" failed (exit 4): "
                                              "login expired: run cloud login");
  }
}

TEST_CASE("kubeconfig: an exec credential past its expirationTimestamp is asked for again", "[kubernetes][kubeconfig]") {
  KubeFixture f;
  const auto plugin = f.dir / "bin" / "cloud-login";
  const auto calls = f.dir / "exec-calls";
  SECTION("expired: every session asks again") {
    write_text(plugin, "#!/bin/sh\necho call >> '" + calls.string() + "'\n"
                       "echo '{\"kind\":\"ExecCredential\",\"status\":{\"token\":\"" + f.kube->token() +
                       "\",\"expirationTimestamp\":\"2020-01-01T00:00:00Z\"}}'\n");
    std::filesystem::permissions(plugin, std::filesystem::perms::owner_all);
    f.write_kubeconfig("    exec:\n      command: ./bin/cloud-login\n");
    auto runner = f.load();
    REQUIRE(run_session(*runner, f.session("true", "plan")).result.ok());
    REQUIRE(run_session(*runner, f.session("true", "build")).result.ok());
    CHECK(read_text(calls) == "call\ncall\n");
  }
  SECTION("valid: asked once") {
    write_text(plugin, "#!/bin/sh\necho call >> '" + calls.string() + "'\n"
                       "echo '{\"kind\":\"ExecCredential\",\"status\":{\"token\":\"" + f.kube->token() +
                       "\",\"expirationTimestamp\":\"2200-01-01T00:00:00Z\"}}'\n");
    std::filesystem::permissions(plugin, std::filesystem::perms::owner_all);
    f.write_kubeconfig("    exec:\n      command: ./bin/cloud-login\n");
    auto runner = f.load();
    REQUIRE(run_session(*runner, f.session("true", "plan")).result.ok());
    REQUIRE(run_session(*runner, f.session("true", "build")).result.ok());
    CHECK(read_text(calls) == "call\n");
  }
}

TEST_CASE("kubeconfig: the certificate authority decides, unless insecure-skip-tls-verify", "[kubernetes][kubeconfig]") {
  KubeFixture f;
  TempDir other("kube-other-ca");
  auto wrong = make_test_certificates(other.path(), "wrong");
  const std::string user = "    token: " + f.kube->token();
  const std::string server = "    server: " + f.kube->url() + "\n";
  auto write = [&](const std::string& cluster) {
    write_text(f.kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: fake\nclusters:\n- name: c\n  cluster:\n" +
                                 server + cluster + "contexts:\n- name: fake\n  context:\n    cluster: c\n    user: u\n"
                                 "users:\n- name: u\n  user:\n" + user + "\n");
  };
  SECTION("a CA file") {
    write("    certificate-authority: " + f.certs.ca_cert.string() + "\n");
    runs(f);
  }
  SECTION("another CA is refused") {
    write("    certificate-authority: " + wrong.ca_cert.string() + "\n");
    auto runner = f.load();
    auto ran = run_session(*runner, f.session("true"));
    REQUIRE_FALSE(ran.result.ok());
    CHECK_THAT(ran.result.failure().message, Catch::Contains("SSL certificate problem"));
  }
  SECTION("insecure-skip-tls-verify") {
    write("    insecure-skip-tls-verify: true\n");
    runs(f);
  }
}

TEST_CASE("kubeconfig: the in-cluster service account reads token, CA and namespace", "[kubernetes][kubeconfig]") {
  KubeFixture f;
  const auto account = f.dir / "serviceaccount";
  write_text(account / "token", f.kube->token() + "\n");
  write_text(account / "ca.crt", read_text(f.certs.ca_cert));
  write_text(account / "namespace", "agents\n");
  runs(f, {{"in_cluster", true}, {"service_account_dir", account.string()}, {"in_cluster_server", f.kube->url()}});
  CHECK(f.kube->jobs().at(0)["metadata"]["namespace"] == "agents");
}

TEST_CASE("kubeconfig: the context's namespace is used when [runner] names none", "[kubernetes][kubeconfig]") {
  KubeFixture f;
  runs(f, {{"context", "other"}});
  CHECK(f.kube->jobs().at(0)["metadata"]["namespace"] == "other");
}
