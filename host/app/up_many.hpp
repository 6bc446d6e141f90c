#pragma once
// `fanout up KEY...`: the workspaces of many issues at once, as a use case the CLI calls and
// the tests drive without the binary.

#include "host/workspace/workspace_manager.hpp"

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/issue_tracker.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fanout::app {

/// How one issue of up_many() ended.
struct UpOutcome {
  std::string key;
  std::optional<workspace::Workspace> workspace; ///< when ready
  std::string error;       ///< for the user; empty when ready or never started
  bool cancelled = false;  ///< the cancel token stopped it, or came before it started
  bool begun = false;      ///< cancelled after it began: its workspace is half made
  bool has_work = false;   ///< begun, and the workspace holds uncommitted work (clean needs --force)
};

struct UpOptions {
  int parallel = 1; ///< workspaces made at once ([run] parallel)
  workspace::Progress progress; ///< each step of each workspace; may be empty
  /// A title that could not be read (the workspace is still made, its branch named by the
  /// key alone): "no title for "7": <why>". May be empty.
  std::function<void(const std::string& message)> warn;
};

/// Reads each issue from `tracker` (may be null: keys only), then makes or reuses every
/// workspace through `manager`, `options.parallel` at a time (util::run_bounded). An issue
/// the tracker does not have fails alone; one failure never stops the others; once `cancel`
/// is cancelled nothing new starts. One outcome per key, in the order of `keys`.
std::vector<UpOutcome> up_many(workspace::WorkspaceManager& manager, sdk::IssueTracker* tracker,
                               const std::vector<std::string>& keys, const UpOptions& options,
                               const sdk::CancelToken& cancel);

} // namespace fanout::app
