#pragma once
// Small file helpers for the local plugin: whole-file reads, atomic writes, timestamps.

#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>

namespace fanout::local {

/// The file's bytes, or FailureKind::error naming `shown` (the path as the user knows it).
sdk::Result<std::string> read_text(const std::filesystem::path& path, const std::string& shown);

/// Writes to a temporary sibling and renames it over `path`, so readers never see half a
/// file. Creates the parent directory.
sdk::Result<void> write_atomic(const std::filesystem::path& path, const std::string& text, const std::string& shown);

/// Creates `path` only if it does not exist yet (O_EXCL); false when it already existed.
sdk::Result<bool> create_exclusive(const std::filesystem::path& path, const std::string& text, const std::string& shown);

/// The current UTC time as "2024-05-01T12:34:56Z".
std::string utc_timestamp();

/// True when `key` can name a file in one directory: not empty, no '/', '\\', NUL, not "." or "..".
bool is_safe_file_key(const std::string& key);

} // namespace fanout::local
