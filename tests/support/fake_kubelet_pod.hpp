#pragma once
// One pod of the fake Kubernetes server, shared by its API handlers and its fake kubelet
// (tests/support/fake_kubelet.cpp). Guarded by the server's mutex.

#include "tests/support/fake_kubernetes_server.hpp"

#include <fanout/sdk/cancel.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fanout::test {

struct FakeKubernetesServer::Pod {
  std::string ns;
  std::string name;
  std::string job;
  nlohmann::json object;         ///< the Pod as the API returns it
  std::vector<std::string> log;  ///< the container's output lines
  PodFate fate = PodFate::run;
  bool process_started = false;
  bool process_ended = false;
  bool deleted = false;          ///< its Job was deleted with Background or Foreground propagation
  sdk::CancelToken cancel;       ///< stops the container's process
};

/// True when `labels` has every "key=value" (or "key==value") of the comma-separated
/// `selector`; another expression matches nothing.
bool selector_matches_labels(const std::string& selector, const nlohmann::json& labels);

/// The current time as the API writes it ("2026-01-02T03:04:05Z").
std::string kube_now();

} // namespace fanout::test
