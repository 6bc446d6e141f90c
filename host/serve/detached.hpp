#pragma once
// Starting a `fanout` command from the dashboard (resume, approve, review) as a process of
// its own: its own session and process group (so the server's Ctrl-C does not reach it and
// it outlives the server, like a `fanout run` started in another terminal), stdin from
// /dev/null, output appended to a log file. The server stays responsive meanwhile.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::serve {

/// Starts `argv` (argv[0] a path) with the server's environment, default signal
/// dispositions and an empty signal mask; returns its pid. A thread reaps it when it ends,
/// so no zombie stays. Throws UserError when it cannot start (with the reason).
pid_t start_detached(const std::vector<std::string>& argv, const std::filesystem::path& log);

/// The path of the running executable (/proc/self/exe resolved), for starting itself again.
std::filesystem::path own_executable();

} // namespace fanout::serve
