#pragma once
// Helpers for agent providers that parse a JSON-lines stream: the shared rule for lines
// that are not events, so every provider treats noise the same way.

#include <cstddef>

namespace fanout::sdk {

/// A stream is flooded (and the session fails as `error`) when more than this many lines
/// were not JSON events...
inline constexpr std::size_t k_flood_min_garbage = 200;
/// ...and they are more than this share of all lines so far (50%).
inline constexpr double k_flood_ratio = 0.5;

/// Counts a stream's lines and the ones that were not valid events. A few stray lines
/// (warnings, a debug print) are kept in the transcript and counted, not fatal; a flood is.
/// Not thread-safe: one per session.
class GarbageCounter {
public:
  /// Records one line; `garbage` when it was not a valid event.
  void line(bool garbage) noexcept {
    ++m_lines;
    if (garbage) ++m_garbage;
  }
  std::size_t lines() const noexcept { return m_lines; }
  std::size_t garbage() const noexcept { return m_garbage; }
  /// True once the stream is mostly noise (see k_flood_min_garbage, k_flood_ratio).
  bool flooded() const noexcept {
    return m_garbage > k_flood_min_garbage && double(m_garbage) > k_flood_ratio * double(m_lines);
  }

private:
  std::size_t m_lines = 0;
  std::size_t m_garbage = 0;
};

} // namespace fanout::sdk
