#pragma once
// Files only the user may read: fanout's state, transcripts, plans, logs and env files can
// hold a database password or whatever an agent printed. They are created 0600 and their
// folders 0700, whatever the umask (which can only take bits away, so modes are also set
// after creation).

#include <filesystem>

namespace fanout::util {

/// Creates `dir` (and its parents) when missing and sets it to 0700. Parents keep their mode.
void private_dir(const std::filesystem::path& dir);

/// Creates `file` empty when missing (mode 0600 from the start, no window where others may
/// open it) and sets it to 0600. Its folder must exist. Errors are left to the write that follows.
void private_file(const std::filesystem::path& file);

} // namespace fanout::util
