#pragma once
// Finding every process a child started, wherever it went: its process group misses the
// ones that called setsid (claude runs its Bash tool that way) and the ones whose parent
// died (reparented to init). LocalProcessRunner marks each child's environment with a tag,
// which its descendants inherit, and signals the group, the descendants and every process
// that carries the tag. Linux /proc only.

#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace fanout::services {

/// The environment variable that marks a child and everything it starts.
inline constexpr std::string_view k_process_tag_env = "FANOUT_PROCESS_TAG";

/// A tag no other run of this process (or, while this process lives, of any other fanout)
/// uses: "<pid>-<start>-<n>". Thread-safe.
std::string new_process_tag();

/// The processes that descend from `leader` (children, their children...: found through
/// their parent pids now, so before the leader is reaped) plus every process of this user
/// whose environment holds `<k_process_tag_env>=<tag>`, and their descendants. Never this
/// process nor `leader`. Zombies are left out (nothing to signal).
std::vector<pid_t> processes_of(pid_t leader, const std::string& tag);

/// Sends `signal` to the process group `pgid` and to every process in `pids`.
void signal_all(pid_t pgid, const std::vector<pid_t>& pids, int signal);

} // namespace fanout::services
