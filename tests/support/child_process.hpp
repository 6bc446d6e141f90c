#pragma once
// A program started by a test the way a user's shell would, in the background: its own
// process group (so a test can signal it like Ctrl-C does), exactly the environment given,
// stdin from /dev/null, stdout and stderr into files.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::test {

/// Starts `argv` (argv[0] a path) with exactly `env` ("KEY=value" items); its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err);

/// Waits for `pid` to end: its exit code, or 128 + the signal that ended it.
int wait_exit(pid_t pid);

} // namespace fanout::test
