#pragma once
// The built `fanout` as child processes of an end-to-end test (tests/support/e2e.hpp with the
// fake agent, tests/e2e/real_loop_helpers.hpp with the real ones), and the sample repository
// both give it: a checkout on "main" pushed to a bare origin beside it.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace fanout::test {

/// How one `fanout` child ended and what it printed.
struct Ran {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `fanout -C <repo> <args>` as children (each in its own process group, see
/// child_process.hpp); run N's output goes to <dir>/run-N.out and run-N.err.
class FanoutRuns {
public:
  FanoutRuns(std::filesystem::path dir, std::filesystem::path repo);

  /// Starts a run with exactly `env`; its pid.
  pid_t start(const std::vector<std::string>& args, const std::vector<std::string>& env);
  /// Waits for the run `pid` (the last one when it is not one of ours) and reads its output.
  Ran wait(pid_t pid);
  /// How many runs were started.
  int count() const { return m_runs; }

private:
  std::filesystem::path m_dir, m_repo;
  int m_runs = 0;
  std::map<pid_t, int> m_started; ///< pid -> the number of its output files
};

/// Makes the files already in `repo` its first commit ("init") on "main", and pushes it to a
/// new bare repository `origin`, its remote "origin". Every git command must succeed.
void commit_and_push_to_origin(const std::filesystem::path& repo, const std::filesystem::path& origin);

/// A user config.toml that trusts `repo` (so its fanout.toml may set trusted-only keys).
std::string trusting(const std::filesystem::path& repo);

} // namespace fanout::test
