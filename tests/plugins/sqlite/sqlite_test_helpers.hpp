#pragma once
// Small SQLite helpers for the sqlite brancher's tests.

#include <sqlite3.h>

#include <filesystem>
#include <string>

namespace fanout::test::branchers {

/// A connection that closes itself; every statement failure fails the test case.
class TestDb {
public:
  explicit TestDb(const std::filesystem::path& path);
  ~TestDb();
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  /// Runs `sql` (several statements allowed); returns the sqlite result code.
  int exec(const std::string& sql);
  /// Runs `sql`, REQUIREs success.
  void must(const std::string& sql);
  /// The first column of the first row of `sql` as text ("" when no row).
  std::string text(const std::string& sql);
  long long integer(const std::string& sql) { return std::stoll(text(sql)); }

private:
  sqlite3* m_db = nullptr;
};

/// Makes a database with tables `items(seq, payload)` and `counter(n)`, `rows` items of
/// `payload_bytes` each, in `journal_mode` ("wal" or "delete").
void make_sample_db(const std::filesystem::path& path, int rows, int payload_bytes, const std::string& journal_mode);

} // namespace fanout::test::branchers
