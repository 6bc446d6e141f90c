#pragma once
// A consistent copy of a live SQLite database, made with the online backup API.

#include <fanout/sdk/cancel.hpp>
#include <fanout/sdk/result.hpp>

#include <chrono>
#include <filesystem>

namespace fanout::sqlite {

/// Copies `source` into `destination` (a new file that must not exist yet) as one snapshot:
/// the whole backup runs as a single step inside one read transaction on the source, so
/// the copy holds exactly the transactions committed before that step, whatever other
/// connections or processes write meanwhile (restarting a chunked backup on every foreign
/// write could starve under a busy writer). BUSY/LOCKED are retried until `busy_timeout`
/// passes. The copy keeps the source's page size and journal mode (WAL stays WAL).
/// The destination is fsynced before returning; on failure it is removed.
sdk::Result<void> backup_database(const std::filesystem::path& source, const std::filesystem::path& destination,
                                  std::chrono::milliseconds busy_timeout, const sdk::CancelToken& cancel);

} // namespace fanout::sqlite
