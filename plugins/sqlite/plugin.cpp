// The sqlite database brancher: each workspace gets its own consistent copy of the
// repository's SQLite database file. See docs/databases.md.

#include "sqlite_brancher.hpp"

#include <fanout/sdk/plugin.hpp>

#include <stdexcept>

namespace {

struct SqlitePlugin {
  static constexpr const char* name = "sqlite";
  static constexpr const char* version = "1.0.0";
  static constexpr const char* description = "copies the repository's SQLite database per workspace";
  static constexpr fanout::sdk::Kind kinds[] = {fanout::sdk::Kind::database_brancher};
  static constexpr fanout::sdk::ConfigKey config_keys[] = {
      {.name = "path", .type = fanout::sdk::ConfigType::path,
       .doc = "the main database file, relative to the repository root"},
      {.name = "dir", .type = fanout::sdk::ConfigType::path, .default_value = "\".fanout/databases\"",
       .doc = "where branch copies go, relative to the repository root"},
      {.name = "url_style", .type = fanout::sdk::ConfigType::string, .default_value = "\"sqlite\"",
       .doc = "DATABASE_URL form: \"sqlite\" (sqlite:///abs), \"sqlalchemy\" (sqlite:////abs), \"file\" (file:/abs) or \"path\""},
      {.name = "busy_timeout", .type = fanout::sdk::ConfigType::duration, .default_value = "\"30s\"",
       .doc = "how long a copy waits for a write lock on the main database to clear"},
  };

  static std::unique_ptr<fanout::sdk::DatabaseBrancher> make_database_brancher(fanout::sdk::Host& host) {
    auto settings = fanout::sqlite::read_settings(host.config(), host.repo_root());
    if (!settings.ok()) throw std::runtime_error(settings.failure().message);
    return std::make_unique<fanout::sqlite::SqliteBrancher>(std::move(settings).value());
  }
};

} // namespace

FANOUT_PLUGIN(SqlitePlugin)
