#include "tests/plugins/sqlite/sqlite_test_helpers.hpp"

#include <catch2/catch.hpp>

namespace fanout::test::branchers {

TestDb::TestDb(const std::filesystem::path& path) {
  REQUIRE(sqlite3_open(path.c_str(), &m_db) == SQLITE_OK);
  sqlite3_busy_timeout(m_db, 10000);
}

TestDb::~TestDb() { sqlite3_close_v2(m_db); }

int TestDb::exec(const std::string& sql) { return sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr); }

void TestDb::must(const std::string& sql) {
  const int rc = exec(sql);
  INFO(sql << ": " << sqlite3_errmsg(m_db));
  REQUIRE(rc == SQLITE_OK);
}

std::string TestDb::text(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* value = sqlite3_column_text(stmt, 0);
    if (value) out = reinterpret_cast<const char*>(value);
  }
  sqlite3_finalize(stmt);
  return out;
}

void make_sample_db(const std::filesystem::path& path, int rows, int payload_bytes, const std::string& journal_mode) {
  std::filesystem::create_directories(path.parent_path());
  TestDb db(path);
  db.must("PRAGMA journal_mode=" + journal_mode);
  db.must("CREATE TABLE items(seq INTEGER PRIMARY KEY, payload BLOB); CREATE TABLE counter(n INTEGER);"
          "INSERT INTO counter VALUES (0)");
  db.must("BEGIN");
  for (int i = 1; i <= rows; ++i)
    db.must("INSERT INTO items VALUES (" + std::to_string(i) + ", randomblob(" + std::to_string(payload_bytes) + "))");
  db.must("UPDATE counter SET n = " + std::to_string(rows));
  db.must("COMMIT");
}

} // namespace fanout::test::branchers
