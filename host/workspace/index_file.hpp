#pragma once
// Writes a git index file (format version 2) for a fresh checkout in one pass. libgit2's
// git_index_add validates and re-inserts every entry one at a time (~20% of a 3,200-file
// checkout's CPU, on one thread); a freshly checked-out tree needs none of that: its entries
// come sorted from HEAD's tree and their stat data from the files just written.
// Format: Documentation/gitformat-index.txt in git (header "DIRC", entries, SHA-1 trailer).

#include <git2.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace fanout::workspace {

/// One index entry: the path (as git stores it, '/'-separated, relative to the work tree),
/// the blob, the git mode (GIT_FILEMODE_BLOB, _BLOB_EXECUTABLE, _LINK, _COMMIT) and the stat
/// data of the file as written (ignored for GIT_FILEMODE_COMMIT, which git stores as zeros).
struct IndexEntry {
  std::string path;
  git_oid oid;
  std::uint32_t mode;
  struct stat st {};
};

/// Writes `entries` as the index file `index_path` the way git does: to `<index_path>.lock`
/// (created exclusively, so a concurrent writer fails instead of interleaving), then renamed.
/// `entries` must be sorted by path (bytewise) with no duplicates, as HEAD's tree gives them.
/// Throws UserError naming the file.
void write_index_file(const std::filesystem::path& index_path, const std::vector<IndexEntry>& entries);

} // namespace fanout::workspace
