#pragma once
// Helpers shared by the process runner's tests.

#include <sys/types.h>

namespace fanout::test {

/// True once `pid` no longer runs (absent, or a zombie waiting for a reaper that is not us).
bool process_gone(pid_t pid);

} // namespace fanout::test
