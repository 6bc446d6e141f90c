#pragma once
// Which processes run on this machine, for tests that check what an agent left behind
// (tests/support/wait.hpp waits for them).

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace fanout::test {

/// Pids of the processes whose command line contains `marker` (and, when `cwd_under` is
/// given, whose working directory is below it).
std::vector<int> processes_with(const std::string& marker, const std::filesystem::path& cwd_under = {});

/// SIGKILLs each pid.
void kill_all(const std::vector<int>& pids);

} // namespace fanout::test
