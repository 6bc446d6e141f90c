#pragma once
// run_bounded: the one thread pool for "many at once, at most N at a time" (the runs of a
// fleet, the workspaces of `fanout up`).

#include <cstddef>
#include <functional>

namespace fanout::util {

/// Calls `work(i)` for every i in [0, count), in order of i as workers free up, at most
/// `parallel` (at least 1) at a time; the calling thread is one of the workers. Returns
/// when every call has returned. `work` must not throw (an exception ends the process):
/// each item reports its own failure, so one item's failure never stops the others.
void run_bounded(std::size_t count, std::size_t parallel, const std::function<void(std::size_t)>& work);

} // namespace fanout::util
