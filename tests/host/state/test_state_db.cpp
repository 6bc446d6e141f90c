#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using fanout::state::StateDb;

FANOUT_STATE_MIGRATION(test_counter_v1, "test_counter", 1,
                       "CREATE TABLE test_counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL);"
                       "INSERT INTO test_counter VALUES (1, 0);")

namespace {
fs::path temp_db(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("fanout-state-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir / "state.db";
}
} // namespace

TEST_CASE("state db: migrations run once and survive reopening", "[state]") {
  const auto path = temp_db("migrate");
  {
    StateDb db(path);
    db.execute("UPDATE test_counter SET value = 7");
  }
  StateDb again(path);
  const auto rows = again.query("SELECT value FROM test_counter");
  REQUIRE(rows.size() == 1);
  CHECK(fanout::state::as_int(rows[0][0]) == 7);
  CHECK(fanout::state::as_string(again.query("PRAGMA journal_mode")[0][0]) == "wal");
}

TEST_CASE("state db: transactions from many connections never lose an update", "[state]") {
  const auto path = temp_db("concurrent");
  { StateDb init(path); }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      StateDb db(path);
      for (int i = 0; i < 25; ++i) {
        db.transaction([&] {
          const auto value = fanout::state::as_int(db.query("SELECT value FROM test_counter")[0][0]);
          db.execute("UPDATE test_counter SET value = ?1", {value + 1});
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  StateDb db(path);
  CHECK(fanout::state::as_int(db.query("SELECT value FROM test_counter")[0][0]) == 100);
}

TEST_CASE("state db: a body that throws rolls back", "[state]") {
  StateDb db(temp_db("rollback"));
  CHECK_THROWS(db.transaction([&] {
    db.execute("UPDATE test_counter SET value = 99");
    throw std::runtime_error("boom");
  }));
  CHECK(fanout::state::as_int(db.query("SELECT value FROM test_counter")[0][0]) == 0);
}

TEST_CASE("state db: an unopenable path names the file", "[state]") {
  try {
    StateDb db("/proc/definitely/not/here/state.db");
    FAIL("expected an error");
  } catch (const fanout::UserError& e) {
    CHECK_THAT(e.what(), Catch::Matchers::StartsWith("cannot open the state store \"/proc/definitely/not/here/state.db\""));
  }
}

TEST_CASE("state db: many connections opening a new file at once all succeed", "[state]") {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const auto path = temp_db("open-race-" + std::to_string(attempt));
    std::atomic<int> opened{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        StateDb db(path);
        db.execute("UPDATE test_counter SET value = value + 1");
        ++opened;
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(opened == 8);
    StateDb db(path);
    CHECK(fanout::state::as_int(db.query("SELECT value FROM test_counter")[0][0]) == 8);
  }
}

TEST_CASE("state store: a damaged store says how to recover", "[state]") {
  const fs::path path = temp_db("damaged");
  fs::create_directories(path.parent_path());
  std::string garbage;
  for (int i = 0; i < 400; ++i) garbage += "this is not a database ";
  { std::ofstream(path, std::ios::binary) << garbage; }
  try {
    StateDb db(path);
    FAIL("expected an error");
  } catch (const fanout::UserError& e) {
    CHECK(std::string(e.what()) ==
          "the state store \"" + path.string() + "\" is damaged (file is not a database): move it aside with \"mv " +
              path.string() + " " + path.string() + ".damaged\" and run the command again; fanout starts a new store, "
              "your worktrees and branches stay, their records and run history are lost (\"fanout doctor\" then lists "
              "what is left without a record, with its fix)");
  }
  std::ifstream in(path, std::ios::binary);
  std::string kept((std::istreambuf_iterator<char>(in)), {});
  CHECK(kept == garbage); // nothing is overwritten: the user may want it back
  fs::remove_all(path.parent_path());
}
