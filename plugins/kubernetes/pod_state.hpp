#pragma once
// Reading a Job's and its pod's status as the runner needs it: is the session running, done
// (and how), or stuck in a way the user must fix (image pull, unschedulable, a missing Secret).

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace fanout::kubernetes {

/// What the pod says now.
struct PodView {
  enum class Phase { pending, running, terminated };
  Phase phase = Phase::pending;
  std::string name;
  /// Pending: why the container waits ("ErrImagePull", "ImagePullBackOff",
  /// "CreateContainerConfigError", "ContainerCreating") and the kubelet's message.
  std::string waiting_reason;
  std::string waiting_message;
  /// Pending: the scheduler's message when the PodScheduled condition is False.
  std::string unschedulable_message;
  /// Terminated: the container's exit code and reason ("Completed", "Error", "OOMKilled").
  int exit_code = -1;
  std::string reason;
};

/// The pod (an item of a pods list) as a PodView.
PodView view_pod(const nlohmann::json& pod);

/// The newest pod of a pods list that is not being deleted; nullopt when there is none.
std::optional<nlohmann::json> newest_pod(const nlohmann::json& list);

/// The Job's finished condition: "Complete", "Failed", or "" while it runs. `reason` gets
/// the condition's reason ("DeadlineExceeded", "BackoffLimitExceeded").
std::string job_finished(const nlohmann::json& job, std::string* reason = nullptr, std::string* message = nullptr);

/// An image that cannot be pulled.
bool image_pull_failed(const PodView& pod);

} // namespace fanout::kubernetes
