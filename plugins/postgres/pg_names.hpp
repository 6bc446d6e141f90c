#pragma once
// Names and URLs of postgres branches: <main>_fanout_<branch>, at most 63 bytes (NAMEDATALEN-1),
// reachable at the admin URL with its database swapped.

#include <fanout/sdk/result.hpp>

#include <optional>
#include <string>

namespace fanout::postgres {

/// The parts of a postgresql:// URL that the brancher needs.
struct ServerUrl {
  std::string url;      ///< as given (may hold a password)
  std::string database; ///< the database in the URL's path, "" when none
  std::string user;     ///< "" when none (libpq then uses the OS user)
  std::string server;   ///< "host:port" for messages, never credentials
  /// The server is on this machine: a Unix socket (no host, or a directory) or a loopback
  /// address ("localhost", 127.0.0.0/8, "::1").
  bool local = false;
};

/// Parses `url`, which must be a postgresql:// or postgres:// URL.
sdk::Result<ServerUrl> parse_server_url(const std::string& url);

/// `url` with its database replaced by `database` (percent-encoded), query kept.
std::string with_database(const std::string& url, const std::string& database);

/// The prefix of every branch of `main`: "<main>_fanout_", or, for a main name longer than
/// 22 bytes, its first 13 bytes + "_" + an 8-hex hash of the full name + "_fanout_", so
/// that every branch name up to 33 bytes fits without shortening.
std::string branch_prefix(const std::string& main);

/// prefix + branch, or, past 63 bytes, prefix + the branch's head + "_" + an 8-hex hash of
/// the branch: the same input always gives the same name.
std::string database_name(const std::string& prefix, const std::string& branch);

/// The branch part of `datname` when it starts with `prefix` and the rest is a valid
/// branch name ([a-z0-9_-]+); for a shortened name that is the shortened form.
std::optional<std::string> branch_of(const std::string& prefix, const std::string& datname);

} // namespace fanout::postgres
