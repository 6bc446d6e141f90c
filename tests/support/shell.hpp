#pragma once
// Runs a shell command for a test and captures what it printed: the one helper every test
// folder uses to drive git and the built fanout the way a user's shell does.

#include <filesystem>
#include <string>

namespace fanout::test {

/// Output and exit status of a shell command.
struct Shell {
  int rc = -1;
  std::string out; ///< stdout and stderr together
};

/// Runs `command` with /bin/sh, in `dir` when given.
Shell sh(const std::string& command, const std::filesystem::path& dir = {});

/// A POSIX shell word for `text`: 'text' with each ' written as '\''.
std::string shell_quote(const std::string& text);

} // namespace fanout::test
