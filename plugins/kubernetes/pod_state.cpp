#include "pod_state.hpp"

#include "job_spec.hpp"

#include "support/json_access.hpp"

namespace fanout::kubernetes {

using support::string_at;

namespace {

const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json null;
  if (!j.is_object()) return null;
  auto it = j.find(key);
  return it == j.end() ? null : *it;
}

} // namespace

PodView view_pod(const nlohmann::json& pod) {
  PodView view;
  view.name = string_at(member(pod, "metadata"), "name");
  const auto& status = member(pod, "status");
  const std::string phase = string_at(status, "phase");
  if (const auto& conditions = member(status, "conditions"); conditions.is_array())
    for (const auto& c : conditions)
      if (string_at(c, "type") == "PodScheduled" && string_at(c, "status") == "False")
        view.unschedulable_message = string_at(c, "message").empty() ? string_at(c, "reason") : string_at(c, "message");
  const nlohmann::json* container = nullptr;
  if (const auto& statuses = member(status, "containerStatuses"); statuses.is_array())
    for (const auto& s : statuses)
      if (string_at(s, "name") == k_container) container = &s;
  if (container) {
    const auto& state = member(*container, "state");
    if (const auto& terminated = member(state, "terminated"); terminated.is_object()) {
      view.phase = PodView::Phase::terminated;
      view.exit_code = static_cast<int>(support::int_at(terminated, "exitCode"));
      view.reason = string_at(terminated, "reason");
      return view;
    }
    if (member(state, "running").is_object()) {
      view.phase = PodView::Phase::running;
      return view;
    }
    if (const auto& waiting = member(state, "waiting"); waiting.is_object()) {
      view.waiting_reason = string_at(waiting, "reason");
      view.waiting_message = string_at(waiting, "message");
    }
  }
  if (phase == "Running") view.phase = PodView::Phase::running;
  else if (phase == "Succeeded" || phase == "Failed") view.phase = PodView::Phase::terminated;
  return view;
}

std::optional<nlohmann::json> newest_pod(const nlohmann::json& list) {
  std::optional<nlohmann::json> best;
  std::string best_time;
  if (const auto& items = member(list, "items"); items.is_array())
    for (const auto& pod : items) {
      const auto& metadata = member(pod, "metadata");
      if (metadata.is_object() && metadata.contains("deletionTimestamp")) continue;
      const std::string created = string_at(metadata, "creationTimestamp");
      if (!best || created >= best_time) {
        best = pod;
        best_time = created;
      }
    }
  return best;
}

std::string job_finished(const nlohmann::json& job, std::string* reason, std::string* message) {
  if (const auto& conditions = member(member(job, "status"), "conditions"); conditions.is_array())
    for (const auto& c : conditions) {
      const std::string type = string_at(c, "type");
      if ((type == "Complete" || type == "Failed") && string_at(c, "status") == "True") {
        if (reason) *reason = string_at(c, "reason");
        if (message) *message = string_at(c, "message");
        return type;
      }
    }
  return {};
}

bool image_pull_failed(const PodView& pod) {
  return pod.waiting_reason == "ErrImagePull" || pod.waiting_reason == "ImagePullBackOff" ||
         pod.waiting_reason == "InvalidImageName" || pod.waiting_reason == "ErrImageNeverPull";
}

} // namespace fanout::kubernetes
