#pragma once
// The time stamps the state store keeps: whole seconds since the Unix epoch (UTC), the unit
// of every *_at column (run records, deliveries, write-back, watch rounds).

#include <chrono>
#include <cstdint>

namespace fanout::state {

/// Now, as the state store records it.
inline std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace fanout::state
