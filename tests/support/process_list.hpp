#pragma once
// Which processes run on this machine, for tests that check what an agent left behind, and
// a bounded wait for a condition another process decides.

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

/// Polls `done` (every 100 ms) until it is true or `limit` has passed; its last value.
/// For conditions only another process decides, where there is nothing to block on.
bool await_true(const std::function<bool()>& done, std::chrono::milliseconds limit);

} // namespace fanout::test
