#pragma once
// SqliteBrancher: a branch is a consistent copy of the main database file, named
// <dir>/<stem>.<branch><ext> (data/app.db, branch "fix-7" -> .fanout/databases/app.fix-7.db).

#include <fanout/sdk/database_brancher.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace fanout::sqlite {

/// How a branch's file is written as DATABASE_URL.
enum class UrlStyle {
  sqlite,     ///< sqlite:///abs/path.db (URL form: empty host, absolute path)
  sqlalchemy, ///< sqlite:////abs/path.db (SQLAlchemy, Django's dj-database-url)
  file,       ///< file:/abs/path.db (SQLite URI filename, Prisma)
  path,       ///< /abs/path.db
};

/// Settings from the plugin's config table, resolved against the repo root.
struct SqliteSettings {
  std::filesystem::path main;  ///< absolute path of the main database
  std::filesystem::path dir;   ///< absolute folder of the branches
  UrlStyle url_style = UrlStyle::sqlite;
  std::chrono::milliseconds busy_timeout{30000};
};

/// Reads and checks the config (`path`, `dir`, `url_style`, `busy_timeout`).
sdk::Result<SqliteSettings> read_settings(const nlohmann::json& config, const std::filesystem::path& repo_root);

/// `path` written in `style`, percent-encoding what a URL cannot hold as is.
std::string database_url(const std::filesystem::path& path, UrlStyle style);

/// Thread-safe: creates of one name race through an exclusive link, not a lock.
class SqliteBrancher final : public sdk::DatabaseBrancher {
public:
  explicit SqliteBrancher(SqliteSettings settings) : m_settings(std::move(settings)) {}

  sdk::Result<sdk::DatabaseBranch> create(const std::string& name, const sdk::CancelToken& cancel) override;
  sdk::Result<void> remove(const std::string& name, const sdk::CancelToken& cancel) override;
  sdk::Result<std::vector<sdk::DatabaseBranch>> list(const sdk::CancelToken& cancel) override;

  /// The file of branch `name`.
  std::filesystem::path branch_path(const std::string& name) const;

private:
  /// The branch name in `file_name`, when it follows the naming convention.
  std::optional<std::string> branch_of(const std::string& file_name) const;
  sdk::DatabaseBranch branch(const std::string& name) const;

  SqliteSettings m_settings;
};

} // namespace fanout::sqlite
