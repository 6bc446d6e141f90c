#include "tests/plugins/sqlite/sqlite_test_helpers.hpp"
#include "tests/support/brancher_harness.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

using namespace fanout;
using namespace fanout::test::branchers;
namespace fs = std::filesystem;

namespace {

const sdk::CancelToken k_no_cancel;

nlohmann::json config(long long busy_timeout_ms = 30000) {
  return {{"path", "data/app.db"}, {"dir", ".fanout/databases"}, {"url_style", "path"}, {"busy_timeout", busy_timeout_ms}};
}

// Inserts one row per transaction, keeping counter.n equal to the number of rows, until stopped.
class Writer {
public:
  explicit Writer(fs::path path, int start) : m_thread([this, path, start] { run(path, start); }) {}
  ~Writer() { stop(); }
  void stop() {
    m_stop = true;
    if (m_thread.joinable()) m_thread.join();
  }
  int committed() const { return m_committed.load(); }
  bool failed() const { return m_failed.load(); }

private:
  void run(const fs::path& path, int seq) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_busy_timeout(db, 20000);
    while (!m_stop) {
      ++seq;
      const std::string sql = "BEGIN IMMEDIATE; INSERT INTO items VALUES (" + std::to_string(seq) +
                              ", randomblob(2000)); UPDATE counter SET n = " + std::to_string(seq) + "; COMMIT;";
      if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
        m_failed = true;
        break;
      }
      ++m_committed;
    }
    sqlite3_close_v2(db);
  }

  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_failed{false};
  std::atomic<int> m_committed{0};
  std::thread m_thread;
};

// A consistent prefix: rows 1..n exist, n is the counter, and nothing is torn.
void check_consistent_copy(const fs::path& file, int at_least) {
  TestDb copy(file);
  CHECK(copy.text("PRAGMA integrity_check") == "ok");
  const long long n = copy.integer("SELECT n FROM counter");
  CHECK(n >= at_least);
  CHECK(copy.integer("SELECT count(*) FROM items") == n);
  CHECK(copy.integer("SELECT max(seq) FROM items") == n);
}

} // namespace

TEST_CASE("sqlite brancher: copies made while the app writes are consistent snapshots", "[sqlite]") {
  const std::string mode = GENERATE(std::string("wal"), std::string("delete"));
  INFO("journal mode " << mode);
  ScratchDir repo;
  const int initial = 4000; // ~16 MB of 4 KB rows: the copy takes long enough to overlap writes
  make_sample_db(repo.path() / "data/app.db", initial, 4000, mode);
  auto brancher = load_brancher("sqlite", config(), repo.path());

  Writer writer(repo.path() / "data/app.db", initial);
  while (writer.committed() < 20) std::this_thread::yield();
  int during = 0;
  for (int i = 0; i < 4; ++i) {
    const int before = writer.committed();
    auto made = brancher->create("copy-" + std::to_string(i), k_no_cancel);
    REQUIRE(made.ok());
    during += writer.committed() - before;
    check_consistent_copy(made->url, initial);
  }
  writer.stop();
  CHECK_FALSE(writer.failed());
  // In WAL mode readers never block the writer, so writes land while the copies run.
  if (mode == "wal") CHECK(during > 0);
  TestDb main(repo.path() / "data/app.db");
  CHECK(main.text("PRAGMA integrity_check") == "ok");
  CHECK(main.integer("SELECT n FROM counter") == initial + writer.committed());
}

TEST_CASE("sqlite brancher: concurrent creates of one branch leave one copy", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 500, 1000, "wal");
  auto brancher = load_brancher("sqlite", config(), repo.path());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      if (brancher->create("same", k_no_cancel).ok()) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 4);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(repo.path() / ".fanout/databases"))
    files.push_back(entry.path().filename().string());
  CHECK(files == std::vector<std::string>{"app.same.db"});
  check_consistent_copy(repo.path() / ".fanout/databases/app.same.db", 500);
}

TEST_CASE("sqlite brancher: a stale -wal of a removed branch is not replayed into a new copy", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 10, 100, "wal");
  auto brancher = load_brancher("sqlite", config(), repo.path());
  const fs::path file = repo.path() / ".fanout/databases/app.again.db";
  fs::create_directories(file.parent_path());
  std::ofstream(file.string() + "-wal") << std::string(8192, '\x01');
  std::ofstream(file.string() + "-shm") << std::string(32768, '\x02');
  REQUIRE(brancher->create("again", k_no_cancel).ok());
  check_consistent_copy(file, 10);
}

TEST_CASE("sqlite brancher: a lock held longer than busy_timeout fails with a timeout", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 10, 100, "delete");
  TestDb holder(repo.path() / "data/app.db");
  holder.must("BEGIN EXCLUSIVE");
  const std::string main = (repo.path() / "data/app.db").string();

  SECTION("timeout") {
    auto brancher = load_brancher("sqlite", config(200), repo.path());
    auto made = brancher->create("locked", k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::timeout);
    CHECK(made.failure().message == "sqlite database \"" + main +
                                        "\" stayed locked for 200 ms while copying it (is a long write "
                                        "transaction or exclusive lock open?)");
  }
  SECTION("cancelled") {
    auto brancher = load_brancher("sqlite", config(), repo.path());
    sdk::CancelToken cancel;
    cancel.cancel();
    auto made = brancher->create("locked", cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::cancelled);
    CHECK(made.failure().message == "copy of \"" + main + "\" cancelled");
  }
  auto listed = load_brancher("sqlite", config(), repo.path())->list(k_no_cancel);
  REQUIRE(listed.ok());
  CHECK(listed->empty());
  CHECK(fs::is_empty(repo.path() / ".fanout/databases"));
}
