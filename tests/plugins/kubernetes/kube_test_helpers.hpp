#pragma once
// What the kubernetes runner's tests share: a fake API server over HTTPS with its kubelet,
// a kubeconfig for it, a bare origin the sessions clone and push to, and the built plugin
// loaded through the registry with the real HTTP client and process runner.

#include "tests/support/fake_kubernetes_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_certificates.hpp"
#include "tests/support/tracker_harness.hpp"

#include <fanout/sdk/runner.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace fanout::test::kube {

using test::base64;

struct KubeFixture {
  explicit KubeFixture(FakeKubernetesServer::Options options = {});
  ~KubeFixture();

  TempDir dir{"kube"};
  TestCertificates certs;
  std::unique_ptr<FakeKubernetesServer> kube;
  std::unique_ptr<trackers::Services> services;
  std::filesystem::path origin;     ///< bare repository the pods clone
  std::filesystem::path worktree;   ///< a clone standing for the local worktree
  std::string base_commit;
  std::filesystem::path kubeconfig; ///< context "fake" (current), token auth, CA as data

  /// Writes a kubeconfig at `kubeconfig` whose one user is `user` (YAML lines under `user:`).
  void write_kubeconfig(const std::string& user_yaml, const std::string& cluster_extra = "");

  /// The plugin's table: image, kubeconfig, fast polling; `extra` keys override (null erases).
  nlohmann::json config(const nlohmann::json& extra = nlohmann::json::object()) const;
  /// The runner, or its creation failure.
  sdk::Result<plugins::Instance<sdk::Runner>> try_load(const nlohmann::json& extra = nlohmann::json::object());
  plugins::Instance<sdk::Runner> load(const nlohmann::json& extra = nlohmann::json::object());

  /// A session running `script` with sh in the worktree, labelled issue 7, run "r1", `stage`.
  sdk::RunnerSession session(const std::string& script, const std::string& stage = "build") const;

  /// The head of `branch` in the origin ("" when it has none).
  std::string origin_head(const std::string& branch = "fanout/7") const;
  /// Every request body the fake received, concatenated.
  std::string all_request_text() const;
  /// The Job name of the only Job stored.
  std::string only_job_name() const;
  /// Waits (bounded) until a Job is stored; its name.
  std::string wait_for_job() const;
};

/// Runs `session` on `runner`, collecting its lines.
struct Ran {
  sdk::Result<sdk::RunnerResult> result = sdk::fail(sdk::FailureKind::error, "not run");
  std::vector<std::string> lines;
};
Ran run_session(sdk::Runner& runner, const sdk::RunnerSession& session, const sdk::CancelToken& cancel = {},
                const std::string& stop_at = "");

} // namespace fanout::test::kube
