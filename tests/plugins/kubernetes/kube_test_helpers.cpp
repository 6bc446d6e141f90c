#include "tests/plugins/kubernetes/kube_test_helpers.hpp"

#include "tests/support/built_plugins.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

namespace fanout::test::kube {

namespace fs = std::filesystem;

namespace {

FakeKubernetesServer::Options with_image_env(FakeKubernetesServer::Options options) {
  // The "image" has this machine's sh and git on its PATH, and no git identity of its own.
  if (!options.image_env.count("PATH")) options.image_env["PATH"] = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
  options.image_env["GIT_CONFIG_NOSYSTEM"] = "1";
  return options;
}

std::string git(const std::string& args, const fs::path& where) {
  Shell out = sh("git " + args, where);
  REQUIRE(out.rc == 0);
  std::string text = out.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

} // namespace

KubeFixture::KubeFixture(FakeKubernetesServer::Options options) {
  certs = make_test_certificates(dir.path());
  kube = std::make_unique<FakeKubernetesServer>(certs, with_image_env(std::move(options)));
  services = trackers::make_services({});
  origin = dir / "origin.git";
  worktree = dir / "worktree";
  init_git_repo(dir / "seed", {{"README.md", "seed\n"}, {"sub/notes.txt", "notes\n"}});
  git("init --quiet --bare --initial-branch=main " + origin.string(), dir.path());
  git("push --quiet " + origin.string() + " HEAD:refs/heads/main HEAD:refs/heads/fanout/7", dir / "seed");
  base_commit = git("rev-parse HEAD", dir / "seed");
  git("clone --quiet " + origin.string() + " " + worktree.string(), dir.path());
  kubeconfig = dir / "kubeconfig";
  write_kubeconfig("    token: " + kube->token());
}

KubeFixture::~KubeFixture() {
  services->hosts.clear();
  kube.reset();
}

void KubeFixture::write_kubeconfig(const std::string& user_yaml, const std::string& cluster_extra) {
  write_text(kubeconfig, "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
                         "clusters:\n- name: fake-cluster\n  cluster:\n    server: " + kube->url() + "\n"
                         "    certificate-authority-data: " + base64(read_text(certs.ca_cert)) + "\n" + cluster_extra +
                         "contexts:\n- name: fake\n  context:\n    cluster: fake-cluster\n    user: fake-user\n"
                         "- name: other\n  context:\n    cluster: fake-cluster\n    user: fake-user\n    namespace: other\n"
                         "users:\n- name: fake-user\n  user:\n" + user_yaml + "\n");
}

nlohmann::json KubeFixture::config(const nlohmann::json& extra) const {
  nlohmann::json table = {{"image", "fanout-agent:test"}, {"kubeconfig", kubeconfig.string()}};
  nlohmann::json timing = {{"poll_interval", 20}, {"api_timeout", 10000}};
  for (const auto& [key, value] : extra.items()) {
    if (key == "poll_interval" || key == "pending_timeout" || key == "api_timeout") timing[key] = value;
    else if (value.is_null()) table.erase(key);
    else table[key] = value;
  }
  std::string error;
  auto validated = trackers::validated_config("kubernetes", table, error);
  if (!error.empty()) FAIL("invalid kubernetes config: " << error);
  validated.update(timing);
  return validated;
}

sdk::Result<plugins::Instance<sdk::Runner>> KubeFixture::try_load(const nlohmann::json& extra) {
  plugins::HostServices host_services;
  host_services.http = services->http.get();
  host_services.processes = services->processes.get();
  host_services.secrets = &services->secrets;
  host_services.getenv = [](const char*) -> const char* { return nullptr; };
  services->hosts.push_back(std::make_unique<plugins::PluginHost>(std::move(host_services), "kubernetes", config(extra),
                                                                 dir.path(), dir / ".fanout" / "data" / "kubernetes"));
  return shared_registry().create<sdk::Runner>("kubernetes", *services->hosts.back());
}

plugins::Instance<sdk::Runner> KubeFixture::load(const nlohmann::json& extra) {
  auto made = try_load(extra);
  if (!made.ok()) FAIL("cannot load the kubernetes runner: " << made.failure().message);
  return std::move(made).value();
}

sdk::RunnerSession KubeFixture::session(const std::string& script, const std::string& stage) const {
  sdk::RunnerSession s;
  s.process.argv = {"/bin/sh", "-c", script};
  s.process.workdir = worktree;
  s.process.timeout = std::chrono::seconds(60);
  s.workspace = {origin.string(), "fanout/7", base_commit, worktree};
  s.labels = {"repo-a", "7", "r1", stage};
  return s;
}

std::string KubeFixture::origin_head(const std::string& branch) const {
  Shell out = sh("git rev-parse --verify --quiet refs/heads/" + branch, origin);
  std::string text = out.out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return out.rc == 0 ? text : "";
}

std::string KubeFixture::all_request_text() const {
  std::string text;
  for (const auto& request : kube->requests()) text += request.target + "\n" + request.body + "\n";
  return text;
}

std::string KubeFixture::only_job_name() const {
  auto jobs = kube->jobs();
  REQUIRE(jobs.size() == 1);
  return jobs[0]["metadata"]["name"];
}

std::string KubeFixture::wait_for_job() const {
  require_within("a Job is created", [&] { return !kube->jobs().empty(); }, std::chrono::seconds(20));
  return only_job_name();
}

Ran run_session(sdk::Runner& runner, const sdk::RunnerSession& session, const sdk::CancelToken& cancel,
                const std::string& stop_at) {
  Ran ran;
  ran.result = runner.run(
      session,
      [&](sdk::Stream, const std::string& line) {
        ran.lines.push_back(line);
        return !stop_at.empty() && line == stop_at ? sdk::LineAction::stop : sdk::LineAction::keep;
      },
      cancel);
  return ran;
}

} // namespace fanout::test::kube
