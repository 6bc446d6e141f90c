#include "sqlite_brancher.hpp"

#include "sqlite_copy.hpp"

#include "support/branch_name.hpp"

#include <algorithm>
#include <atomic>
#include <random>

#include <unistd.h>

namespace fanout::sqlite {
namespace {

namespace fs = std::filesystem;
using sdk::FailureKind;

std::string quoted(const fs::path& path) { return "\"" + path.string() + "\""; }

// A name no other thread or process will pick: the pid and a per-process counter.
std::string temp_suffix() {
  static std::atomic<unsigned> counter{0};
  static const unsigned salt = std::random_device{}();
  return ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(salt % 100000) + "-" +
         std::to_string(counter++);
}

void remove_with_sidecars(const fs::path& path, std::error_code& ec) {
  for (const char* suffix : {"-wal", "-shm", "-journal", ""}) {
    std::error_code one;
    fs::remove(path.string() + suffix, one);
    if (one && !ec) ec = one;
  }
}

} // namespace

sdk::Result<SqliteSettings> read_settings(const nlohmann::json& config, const fs::path& repo_root) {
  SqliteSettings settings;
  const auto path = config.value("path", std::string());
  if (path.empty())
    return sdk::fail(FailureKind::invalid_input,
                     "[database] path is required for the sqlite brancher (the main database file, relative to the repository)");
  settings.main = (repo_root / path).lexically_normal();
  settings.dir = (repo_root / config.value("dir", std::string(".fanout/databases"))).lexically_normal();
  const auto style = config.value("url_style", std::string("sqlite"));
  if (style == "sqlite") settings.url_style = UrlStyle::sqlite;
  else if (style == "sqlalchemy") settings.url_style = UrlStyle::sqlalchemy;
  else if (style == "file") settings.url_style = UrlStyle::file;
  else if (style == "path") settings.url_style = UrlStyle::path;
  else
    return sdk::fail(FailureKind::invalid_input, "[database] url_style: unknown style \"" + style +
                                                     "\" (expected \"sqlite\", \"sqlalchemy\", \"file\" or \"path\")");
  if (config.contains("busy_timeout")) settings.busy_timeout = std::chrono::milliseconds(config["busy_timeout"].get<long long>());
  return settings;
}

std::string database_url(const fs::path& path, UrlStyle style) {
  const std::string raw = path.string();
  if (style == UrlStyle::path) return raw;
  std::string encoded;
  for (unsigned char c : raw) {
    if (c == '%' || c == '?' || c == '#' || c == ' ' || c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    } else {
      encoded += char(c);
    }
  }
  switch (style) {
  case UrlStyle::sqlite: return "sqlite://" + encoded;
  case UrlStyle::sqlalchemy: return "sqlite:///" + encoded;
  case UrlStyle::file: return "file:" + encoded;
  case UrlStyle::path: break;
  }
  return raw;
}

fs::path SqliteBrancher::branch_path(const std::string& name) const {
  return m_settings.dir / (m_settings.main.stem().string() + "." + name + m_settings.main.extension().string());
}

std::optional<std::string> SqliteBrancher::branch_of(const std::string& file_name) const {
  const std::string prefix = m_settings.main.stem().string() + ".";
  const std::string suffix = m_settings.main.extension().string();
  if (file_name.size() <= prefix.size() + suffix.size()) return std::nullopt;
  if (file_name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  if (file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  std::string name = file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  if (!support::valid_branch_name(name)) return std::nullopt;
  return name;
}

sdk::DatabaseBranch SqliteBrancher::branch(const std::string& name) const {
  return sdk::DatabaseBranch{name, database_url(branch_path(name), m_settings.url_style)};
}

sdk::Result<sdk::DatabaseBranch> SqliteBrancher::create(const std::string& name, const sdk::CancelToken& cancel) {
  if (auto ok = support::check_branch_name(name); !ok.ok()) return std::move(ok).failure();
  const fs::path target = branch_path(name);
  std::error_code ec;
  if (fs::exists(target, ec)) return branch(name);
  if (!fs::is_regular_file(m_settings.main, ec))
    return sdk::fail(FailureKind::not_found, "sqlite database " + quoted(m_settings.main) +
                                                 " does not exist (check [database] path in fanout.toml)");
  fs::create_directories(m_settings.dir, ec);
  if (ec) return sdk::fail(FailureKind::error, "cannot create " + quoted(m_settings.dir) + ": " + ec.message());

  // A -wal left by a removed branch of the same name would be replayed into the new copy.
  for (const char* sidecar : {"-wal", "-shm", "-journal"}) fs::remove(target.string() + sidecar, ec);

  const fs::path temp = target.string() + temp_suffix();
  if (auto copied = backup_database(m_settings.main, temp, m_settings.busy_timeout, cancel); !copied.ok())
    return std::move(copied).failure();

  // link() never replaces: when another creator won the race, its copy stays and ours goes.
  fs::create_hard_link(temp, target, ec);
  std::error_code ignored;
  fs::remove(temp, ignored);
  if (ec && ec != std::errc::file_exists)
    return sdk::fail(FailureKind::error, "cannot move the copy into place as " + quoted(target) + ": " + ec.message());
  return branch(name);
}

sdk::Result<void> SqliteBrancher::remove(const std::string& name, const sdk::CancelToken&) {
  if (auto ok = support::check_branch_name(name); !ok.ok()) return ok;
  std::error_code ec;
  const fs::path target = branch_path(name);
  remove_with_sidecars(target, ec);
  if (ec) return sdk::fail(FailureKind::error, "cannot remove " + quoted(target) + ": " + ec.message());
  return {};
}

sdk::Result<std::vector<sdk::DatabaseBranch>> SqliteBrancher::list(const sdk::CancelToken&) {
  std::vector<sdk::DatabaseBranch> branches;
  std::error_code ec;
  if (!fs::is_directory(m_settings.dir, ec)) return branches;
  for (const auto& entry : fs::directory_iterator(m_settings.dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    if (auto name = branch_of(entry.path().filename().string())) branches.push_back(branch(*name));
  }
  if (ec) return sdk::fail(FailureKind::error, "cannot list " + quoted(m_settings.dir) + ": " + ec.message());
  std::sort(branches.begin(), branches.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return branches;
}

} // namespace fanout::sqlite
