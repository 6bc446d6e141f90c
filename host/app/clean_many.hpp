#pragma once
// `fanout clean`: which workspaces go, in which order, and which stay because a live run
// works in them.

#include "host/workspace/workspace_manager.hpp"

#include <fanout/sdk/cancel.hpp>

#include <functional>
#include <string>
#include <vector>

namespace fanout::app {

/// What to clean: named keys, every merged workspace, or every one (exactly one of them, or
/// none with `orphans`), then database branches and port leases no workspace owns.
struct CleanRequest {
  std::vector<std::string> keys;
  bool merged = false, all = false, orphans = false;
  workspace::CleanOptions options; ///< force, dry_run
  /// Told about each process a killed fanout left running, ended before anything is removed
  /// (not in a dry run): "process 123 (agent of run 7)". May be empty.
  std::function<void(const std::string& ended)> on_orphan;
};

/// A failure (invalid_input; the CLI's usage error) when the request names no mode or more
/// than one: "clean: give issue keys, --merged or --all (one of them)".
sdk::Result<void> check_clean_request(const CleanRequest& request);

/// Cleans what `request` asks for through `manager`; one report per key (and one for the
/// orphans), in order. The workspace of an issue a live fanout process is running is kept,
/// unless forced: "kept the workspace: issue "7" is being run by process 12 (...) (stop it
/// first, or use --force)". Processes a killed fanout left running end first. A failure
/// for a bad request (check_clean_request), or the first key whose clean fails (git, a
/// refused key: WorkspaceManager::clean); the keys before it are cleaned.
sdk::Result<std::vector<workspace::CleanReport>> clean_many(workspace::WorkspaceManager& manager,
                                                            const CleanRequest& request,
                                                            const sdk::CancelToken& cancel);

} // namespace fanout::app
