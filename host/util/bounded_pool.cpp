#include "host/util/bounded_pool.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace fanout::util {

void run_bounded(std::size_t count, std::size_t parallel, const std::function<void(std::size_t)>& work) {
  if (count == 0) return;
  std::atomic<std::size_t> next{0};
  const auto worker = [&]() noexcept {
    for (std::size_t i = next++; i < count; i = next++) work(i);
  };
  const std::size_t threads = std::clamp<std::size_t>(parallel, 1, count);
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
}

} // namespace fanout::util
