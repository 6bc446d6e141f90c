#pragma once
// Bounded waiting for what another process decides (a file it writes, a process that
// ends): there is nothing to block on but the thing itself, so these poll, and every wait
// has a time limit. What this process does itself is awaited (a future, a condition
// variable), never polled.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include <sys/types.h>

namespace fanout::test {

/// Calls `done` every `tick` until it returns true or `limit` passes; returns its last
/// answer. Uses no Catch macro, so any thread may call it (a fake agent's session).
bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds limit,
                std::chrono::milliseconds tick = std::chrono::milliseconds(10));

/// poll_until on the test's own thread; on a timeout it records "timed out after <limit> ms waiting for <what>" as an
/// unscoped Catch message, so the assertion that checks the result says what was awaited.
bool await_true(const std::string& what, const std::function<bool()>& done, std::chrono::milliseconds limit,
                std::chrono::milliseconds tick = std::chrono::milliseconds(10));

/// await_true, and FAILs the test case with that message when `done` stays false.
void require_within(const std::string& what, const std::function<bool()>& done, std::chrono::milliseconds limit,
                    std::chrono::milliseconds tick = std::chrono::milliseconds(10));

/// True once `pid` no longer runs (absent, or a zombie waiting for a reaper that is not us).
bool process_gone(pid_t pid);

/// Waits (bounded, `limit`) until `pid` no longer runs; true when it is gone.
bool await_process_gone(pid_t pid, std::chrono::milliseconds limit = std::chrono::seconds(2));

/// Waits (bounded) until `path` exists and is not empty. True when it is there.
bool wait_for_content(const std::filesystem::path& path, std::chrono::milliseconds limit);

} // namespace fanout::test
