#pragma once
// "did you mean": the closest candidate to a mistyped name.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::util {

/// Damerau-Levenshtein distance (adjacent transpositions count as one edit).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `typed`, if it is close enough to be a plausible typo
/// (distance <= max(1, len/3)) or `typed` is a prefix of exactly one candidate.
std::optional<std::string> closest(std::string_view typed, const std::vector<std::string>& candidates);

/// " (did you mean \"x\"?)" or "" when nothing is close.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

} // namespace fanout::util
