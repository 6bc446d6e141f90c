#include "sqlite_copy.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

namespace fanout::sqlite {
namespace {

using sdk::FailureKind;
using Clock = std::chrono::steady_clock;

struct CloseDb {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

std::string quoted(const std::filesystem::path& path) { return "\"" + path.string() + "\""; }

sdk::Result<Db> open(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    const std::string why = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return sdk::fail(FailureKind::error, "cannot open sqlite database " + quoted(path) + ": " + why);
  }
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

bool retryable(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

sdk::Result<void> fsync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return sdk::fail(FailureKind::error, "cannot sync " + quoted(path) + " to disk");
  }
  ::close(fd);
  return {};
}

sdk::Result<void> copy(const std::filesystem::path& source, const std::filesystem::path& destination,
                       std::chrono::milliseconds busy_timeout, const sdk::CancelToken& cancel) {
  // Read-write without CREATE: a WAL source needs its -shm, and a missing file must not be made.
  auto src = open(source, SQLITE_OPEN_READWRITE);
  if (!src.ok()) return std::move(src).failure();
  sqlite3_busy_timeout(src->get(), 100);
  auto dst = open(destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE);
  if (!dst.ok()) return std::move(dst).failure();
  // The destination is a temp file nobody else opens, renamed into place only when complete
  // and synced once by the caller: a rollback journal and per-step syncs would only write
  // and flush everything twice.
  sqlite3_exec(dst->get(), "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", nullptr, nullptr, nullptr);

  sqlite3_backup* backup = sqlite3_backup_init(dst->get(), "main", src->get(), "main");
  if (!backup)
    return sdk::fail(FailureKind::error,
                     "cannot copy sqlite database " + quoted(source) + ": " + sqlite3_errmsg(dst->get()));

  const auto deadline = Clock::now() + busy_timeout;
  int rc = SQLITE_OK;
  for (;;) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_DONE || (rc != SQLITE_OK && !retryable(rc))) break;
    if (cancel.cancelled() || Clock::now() >= deadline) break;
    if (retryable(rc)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const int finish_rc = sqlite3_backup_finish(backup);
  if (rc == SQLITE_DONE && finish_rc == SQLITE_OK) return {};
  if (cancel.cancelled()) return sdk::fail(FailureKind::cancelled, "copy of " + quoted(source) + " cancelled");
  if (retryable(rc))
    return sdk::fail(FailureKind::timeout,
                     "sqlite database " + quoted(source) + " stayed locked for " +
                         std::to_string(busy_timeout.count()) +
                         " ms while copying it (is a long write transaction or exclusive lock open?)");
  return sdk::fail(FailureKind::error,
                   "cannot copy sqlite database " + quoted(source) + ": " + sqlite3_errstr(rc == SQLITE_DONE ? finish_rc : rc));
}

void remove_quietly(const std::filesystem::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    std::filesystem::remove(path.string() + suffix, ec);
}

} // namespace

sdk::Result<void> backup_database(const std::filesystem::path& source, const std::filesystem::path& destination,
                                  std::chrono::milliseconds busy_timeout, const sdk::CancelToken& cancel) {
  auto copied = copy(source, destination, busy_timeout, cancel);
  if (copied.ok()) copied = fsync_file(destination);
  if (!copied.ok()) remove_quietly(destination);
  return copied;
}

} // namespace fanout::sqlite
