#include "tests/plugins/sqlite/sqlite_test_helpers.hpp"
#include "tests/support/brancher_harness.hpp"
#include "tests/support/tracker_harness.hpp"

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

nlohmann::json config(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json out = {{"path", "data/app.db"}, {"dir", ".fanout/databases"}, {"url_style", "sqlite"},
                        {"busy_timeout", 30000}};
  out.update(extra);
  return out;
}

fs::path branch_file(const ScratchDir& repo, const std::string& name) {
  return repo.path() / ".fanout/databases" / ("app." + name + ".db");
}

} // namespace

TEST_CASE("sqlite brancher: create copies the main database and returns its url", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 50, 100, "wal");
  auto brancher = load_brancher("sqlite", config(), repo.path());

  auto made = brancher->create("fix-login", k_no_cancel);
  REQUIRE(made.ok());
  const fs::path file = branch_file(repo, "fix-login");
  CHECK(made->name == "fix-login");
  CHECK(made->url == "sqlite://" + file.string());
  TestDb copy(file);
  CHECK(copy.integer("SELECT count(*) FROM items") == 50);
  CHECK(copy.text("PRAGMA integrity_check") == "ok");
  CHECK(copy.text("PRAGMA journal_mode") == "wal");

  // The copy is independent of the main database.
  copy.must("DELETE FROM items");
  TestDb main(repo.path() / "data/app.db");
  CHECK(main.integer("SELECT count(*) FROM items") == 50);
}

TEST_CASE("sqlite brancher: create of an existing branch returns it unchanged", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 5, 10, "delete");
  auto brancher = load_brancher("sqlite", config(), repo.path());
  REQUIRE(brancher->create("issue-1", k_no_cancel).ok());
  TestDb(branch_file(repo, "issue-1")).must("INSERT INTO items VALUES (100, x'00')");

  auto again = brancher->create("issue-1", k_no_cancel);
  REQUIRE(again.ok());
  CHECK(again->url == "sqlite://" + branch_file(repo, "issue-1").string());
  CHECK(TestDb(branch_file(repo, "issue-1")).integer("SELECT count(*) FROM items") == 6);
}

TEST_CASE("sqlite brancher: remove deletes the copy and its -wal and -shm", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 5, 10, "wal");
  auto brancher = load_brancher("sqlite", config(), repo.path());
  REQUIRE(brancher->create("issue-2", k_no_cancel).ok());
  const fs::path file = branch_file(repo, "issue-2");
  for (const char* sidecar : {"-wal", "-shm"}) std::ofstream(file.string() + sidecar) << "x";

  SECTION("an existing branch") {
    REQUIRE(brancher->remove("issue-2", k_no_cancel).ok());
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(file.string() + "-wal"));
    CHECK_FALSE(fs::exists(file.string() + "-shm"));
  }
  SECTION("a branch that does not exist succeeds") {
    CHECK(brancher->remove("never-made", k_no_cancel).ok());
    CHECK(fs::exists(file));
  }
}

TEST_CASE("sqlite brancher: list returns only files that follow the naming convention", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 1, 10, "delete");
  auto brancher = load_brancher("sqlite", config(), repo.path());

  SECTION("no branch folder yet") {
    auto listed = brancher->list(k_no_cancel);
    REQUIRE(listed.ok());
    CHECK(listed->empty());
  }
  SECTION("branches among unrelated files") {
    REQUIRE(brancher->create("b-two", k_no_cancel).ok());
    REQUIRE(brancher->create("a_one", k_no_cancel).ok());
    const fs::path dir = repo.path() / ".fanout/databases";
    for (const char* stray : {"other.db", "app.db", "app.x.db-wal", "app.x.db.tmp-1-2-3", "app.Upper.db", "app.x.sqlite"})
      std::ofstream(dir / stray) << "x";

    auto listed = brancher->list(k_no_cancel);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].name == "a_one");
    CHECK((*listed)[0].url == "sqlite://" + branch_file(repo, "a_one").string());
    CHECK((*listed)[1].name == "b-two");
  }
}

TEST_CASE("sqlite brancher: a missing main database is an error naming its path", "[sqlite]") {
  ScratchDir repo;
  auto brancher = load_brancher("sqlite", config(), repo.path());
  auto made = brancher->create("issue-3", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().kind == sdk::FailureKind::not_found);
  CHECK(made.failure().message ==
        "sqlite database \"" + (repo.path() / "data/app.db").string() +
            "\" does not exist (check [database] path in fanout.toml)");
  CHECK_FALSE(fs::exists(branch_file(repo, "issue-3")));
}

TEST_CASE("sqlite brancher: a file that is not a database is an error naming it", "[sqlite]") {
  ScratchDir repo;
  fs::create_directories(repo.path() / "data");
  std::ofstream(repo.path() / "data/app.db") << std::string(4096, 'z');
  auto brancher = load_brancher("sqlite", config(), repo.path());
  auto made = brancher->create("issue-4", k_no_cancel);
  REQUIRE_FALSE(made.ok());
  CHECK(made.failure().message ==
        "cannot copy sqlite database \"" + (repo.path() / "data/app.db").string() + "\": file is not a database");
  auto listed = brancher->list(k_no_cancel);
  REQUIRE(listed.ok());
  CHECK(listed->empty());
  CHECK(fs::is_empty(repo.path() / ".fanout/databases"));
}

TEST_CASE("sqlite brancher: invalid branch names are refused", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 1, 10, "delete");
  auto brancher = load_brancher("sqlite", config(), repo.path());
  for (const std::string& name : std::vector<std::string>{"../escape", "", "Upper", std::string(49, 'a')}) {
    auto made = brancher->create(name, k_no_cancel);
    REQUIRE_FALSE(made.ok());
    CHECK(made.failure().kind == sdk::FailureKind::invalid_input);
    CHECK(made.failure().message ==
          "invalid branch name \"" + name + "\": expected 1-48 characters of a-z, 0-9, '_' and '-'");
    CHECK_FALSE(brancher->remove(name, k_no_cancel).ok());
  }
}

TEST_CASE("sqlite brancher: config errors stop the plugin from being made", "[sqlite]") {
  ScratchDir repo;
  SECTION("path missing") {
    auto loaded = try_load_brancher("sqlite", nlohmann::json{{"dir", "x"}}, repo.path());
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.failure().message ==
          "plugin \"sqlite\" failed to create its database_brancher: [database] path is required for the sqlite "
          "brancher (the main database file, relative to the repository)");
  }
  SECTION("unknown url style") {
    auto loaded = try_load_brancher("sqlite", config({{"url_style", "jdbc"}}), repo.path());
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.failure().message ==
          "plugin \"sqlite\" failed to create its database_brancher: [database] url_style: unknown style \"jdbc\" "
          "(expected \"sqlite\", \"sqlalchemy\", \"file\" or \"path\")");
  }
}

TEST_CASE("sqlite brancher: url styles", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "my data/app.db", 1, 10, "delete");
  const fs::path file = repo.path() / "out dir" / "app.x.db";
  auto url_for = [&](const std::string& style) {
    auto brancher = load_brancher("sqlite", config({{"path", "my data/app.db"}, {"dir", "out dir"}, {"url_style", style}}),
                                  repo.path());
    auto made = brancher->create("x", k_no_cancel);
    REQUIRE(made.ok());
    return made->url;
  };
  std::string encoded = file.string();
  encoded.replace(encoded.find("out dir"), 7, "out%20dir");
  CHECK(url_for("sqlite") == "sqlite://" + encoded);
  CHECK(url_for("sqlalchemy") == "sqlite:///" + encoded);
  CHECK(url_for("file") == "file:" + encoded);
  CHECK(url_for("path") == file.string());
}

TEST_CASE("sqlite brancher: the declared config keys validate and their defaults work", "[sqlite]") {
  ScratchDir repo;
  make_sample_db(repo.path() / "data/app.db", 3, 10, "wal");
  std::string error;
  auto validated = test::trackers::validated_config("sqlite", {{"path", "data/app.db"}}, error);
  REQUIRE(error.empty());
  CHECK(validated == nlohmann::json{{"path", "data/app.db"}, {"dir", ".fanout/databases"}, {"url_style", "sqlite"},
                                    {"busy_timeout", 30000}});
  auto made = load_brancher("sqlite", validated, repo.path())->create("defaults", k_no_cancel);
  REQUIRE(made.ok());
  CHECK(made->url == "sqlite://" + branch_file(repo, "defaults").string());
}
