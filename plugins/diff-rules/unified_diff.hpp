#pragma once
// The added lines of a unified diff (git diff / diff -u), with their new-side line numbers.

#include <string>
#include <string_view>
#include <vector>

namespace diff_rules {

/// One line the diff adds.
struct AddedLine {
  std::string file; ///< new-side path without the "b/" prefix
  int line = 0;     ///< 1-based line number in the new file
  std::string text; ///< without the leading '+'
};

/// Every added line, in diff order. Hunk line counts decide where a hunk ends, so an added
/// line that itself starts with "++" or "@@" is not mistaken for a header. Deleted files
/// ("+++ /dev/null") and binary files contribute nothing. Never throws on malformed input;
/// it skips what it cannot place.
std::vector<AddedLine> added_lines(std::string_view diff);

} // namespace diff_rules
