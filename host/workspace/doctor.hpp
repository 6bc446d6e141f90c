#pragma once
// Doctor: audits what workspaces left behind and what fanout needs, each finding with the
// command that fixes it. Read-only.

#include "host/workspace/workspace_manager.hpp"

#include <functional>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace fanout::workspace {

struct Finding {
  std::string problem; ///< "worktree .fanout/worktrees/9 has no workspace record"
  std::string fix;     ///< "git worktree remove --force .fanout/worktrees/9"
};

/// Finds: worktrees under [workspace] root with no record (the fix unlocks a locked one
/// first), registered worktrees whose folder is gone (not locked ones: git keeps those),
/// records with no worktree (a worktree moved by `git worktree move` is not missing),
/// half-made workspaces (creating/removing by a dead process) and failed ones, port leases
/// with no workspace, database branches with no workspace (brancher list(), when a brancher
/// is given), and `tools` missing from PATH (each tool with the command that installs it),
/// and a [ports] range inside the kernel's ephemeral port range. The fix of a failed or
/// half-removed workspace with uncommitted work is `fanout clean KEY --force` (plain clean would keep it),
/// and its problem says how many changes that deletes; with a locked worktree, the fix
/// starts with `git worktree unlock`, since clean keeps locked worktrees. A failure only
/// when the repository cannot be opened.
struct ToolCheck {
  std::string name;    ///< "git"
  std::string install; ///< "sudo apt-get install git"
};
sdk::Result<std::vector<Finding>> doctor(WorkspaceManager& manager, sdk::DatabaseBrancher* brancher,
                                         const std::vector<ToolCheck>& tools, const sdk::CancelToken& cancel);

/// The kernel's ephemeral port range (`ip_local_port_range`, "32768\t60999"), read from
/// `file`; nullopt when it cannot be read.
std::optional<std::pair<int, int>> ephemeral_port_range(
    const std::filesystem::path& file = "/proc/sys/net/ipv4/ip_local_port_range");

/// A finding when [ports] base..base+span-1 overlaps `ephemeral`: outgoing connections (any
/// process's) take ports from that range, so blocks there look busy at random and `up`
/// reports no free block. doctor() includes it.
std::optional<Finding> ephemeral_overlap(const config::PortsConfig& ports, std::optional<std::pair<int, int>> ephemeral);

/// True when `name` is an executable on $PATH (or a path to one).
bool on_path(const std::string& name);

} // namespace fanout::workspace
