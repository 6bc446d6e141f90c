#pragma once
// The batch/v1 Job of one session: its name and labels (what finds it again after a
// restart), and its pod: an image with sh and git runs a script that clones the workspace's
// branch, runs the session's argv where the local worktree would, and pushes the branch.

#include "settings.hpp"

#include <fanout/sdk/result.hpp>
#include <fanout/sdk/runner.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace fanout::kubernetes {

/// Label keys; the exact values are in annotations under the same keys.
inline constexpr const char* k_repo_label = "fanout/repo";
inline constexpr const char* k_issue_label = "fanout/issue";
inline constexpr const char* k_run_label = "fanout/run";
inline constexpr const char* k_stage_label = "fanout/stage";
/// The container's name in every Job fanout makes.
inline constexpr const char* k_container = "session";
/// The script prints this, then the head it pushed, as its last line.
inline constexpr const char* k_head_marker = "fanout-runner: pushed head ";

/// `value` as a Kubernetes label value (at most 63 of [A-Za-z0-9._-], alphanumeric at both
/// ends): itself when it is one, else a cleaned prefix and a hash of the whole.
std::string label_value(const std::string& value);

/// The four labels of a session.
std::map<std::string, std::string> session_labels(const sdk::SessionLabels& labels);

/// "fanout/repo=x,fanout/issue=y,..." for a labelSelector query value.
std::string selector(const std::map<std::string, std::string>& labels);

/// A DNS-1123 name, the same for the same labels: "fanout-<issue>-<stage>-<hash>".
std::string job_name(const sdk::SessionLabels& labels);

/// The Job for `session`. invalid_input when a secret variable has no [runner] secrets entry,
/// or the workdir is outside the worktree.
sdk::Result<nlohmann::json> build_job(const Settings& settings, const sdk::RunnerSession& session,
                                      const std::string& name);

} // namespace fanout::kubernetes
