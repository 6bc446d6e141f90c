#include "host/serve/store_watch.hpp"

#include <sqlite3.h>

namespace fanout::serve {

StoreWatch::StoreWatch(std::filesystem::path db_path, std::chrono::milliseconds interval)
    : m_path(std::move(db_path)), m_interval(interval), m_thread([this] { loop(); }) {}

StoreWatch::~StoreWatch() {
  stop();
  if (m_thread.joinable()) m_thread.join();
}

std::uint64_t StoreWatch::generation() const {
  std::lock_guard lock(m_mutex);
  return m_generation;
}

std::uint64_t StoreWatch::wait_change(std::uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  m_changed.wait_for(lock, timeout, [&] { return m_stop || m_generation != seen; });
  return m_generation;
}

void StoreWatch::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
}

bool StoreWatch::stopped() const {
  std::lock_guard lock(m_mutex);
  return m_stop;
}

void StoreWatch::loop() {
  sqlite3* db = nullptr;
  sqlite3_stmt* statement = nullptr;
  std::int64_t last = -1;
  std::unique_lock lock(m_mutex);
  while (!m_stop) {
    lock.unlock();
    if (!db && std::filesystem::exists(m_path)) {
      // Read-write without CREATE: a WAL database needs its -shm file, which a read-only
      // connection may not be able to make; this connection never writes.
      if (sqlite3_open_v2(m_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK ||
          sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &statement, nullptr) != SQLITE_OK) {
        sqlite3_finalize(statement);
        sqlite3_close(db);
        db = nullptr;
        statement = nullptr;
      } else {
        sqlite3_busy_timeout(db, 1000);
      }
    }
    bool changed = false;
    if (statement) {
      if (sqlite3_step(statement) == SQLITE_ROW) {
        const std::int64_t version = sqlite3_column_int64(statement, 0);
        // The first reading after the store appears counts as a change: it holds runs the
        // pages have not seen.
        changed = version != last;
        last = version;
      }
      sqlite3_reset(statement);
    }
    lock.lock();
    if (changed) {
      ++m_generation;
      m_changed.notify_all();
    }
    m_changed.wait_for(lock, m_interval, [&] { return m_stop; });
  }
  lock.unlock();
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

} // namespace fanout::serve
