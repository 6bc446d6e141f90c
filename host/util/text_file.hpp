#pragma once
// Reading a small text file whole (git admin files, run records, prompts written by fanout).

#include <filesystem>
#include <string>

namespace fanout::util {

/// The bytes of `path` as they are (no newline translation), or "" when it cannot be read:
/// callers read files whose absence means "nothing recorded", so a missing file is not an error.
std::string read_text(const std::filesystem::path& path);

} // namespace fanout::util
