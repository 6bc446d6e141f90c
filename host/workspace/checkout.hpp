#pragma once
// A parallel checkout for a fresh worktree: libgit2's own checkout is single-threaded and
// measured ~2.5x slower than `git worktree add`; this one writes blobs from N threads (one
// git_repository each), then writes the index with the files' stat data so that `git status`
// sees a clean tree without re-hashing it.

#include "fanout/sdk/cancel.hpp"

#include <filesystem>

namespace fanout::workspace {

/// Writes HEAD's tree into the work tree at `worktree` (an empty linked worktree whose HEAD
/// is set) with `threads` threads and writes its index. Applies .gitattributes filters
/// (eol, ident) when the tree has any, through git_blob_filter. Throws UserError, also when
/// `cancel` fires (checked between chunks of files); the index is then not written, so the
/// checkout counts as incomplete and the next `up` redoes it.
void parallel_checkout(const std::filesystem::path& worktree, unsigned threads,
                       const sdk::CancelToken* cancel = nullptr);

/// Default thread count: the hardware's, at least 2 (writes wait on the disk, not the CPU),
/// at most 8; FANOUT_CHECKOUT_THREADS overrides it (for benchmarks).
unsigned checkout_threads();

} // namespace fanout::workspace
