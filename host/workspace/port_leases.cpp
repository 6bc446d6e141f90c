#include "host/workspace/port_leases.hpp"

#include "host/workspace/naming.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

FANOUT_STATE_MIGRATION(port_leases_v1, "port_leases", 1,
                       "CREATE TABLE port_leases ("
                       "  key TEXT PRIMARY KEY,"
                       "  first_port INTEGER NOT NULL,"
                       "  port_count INTEGER NOT NULL,"
                       "  pid INTEGER NOT NULL,"
                       "  created_at INTEGER NOT NULL)")

namespace fanout::workspace {
namespace {

/// Whether a socket of `family` can bind `port` on `address` right now. A family the
/// machine lacks (no IPv6) counts as free.
bool can_bind(int family, const void* address, int port) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (family == AF_INET) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr = *static_cast<const in_addr*>(address);
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } else {
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(static_cast<uint16_t>(port));
    sa.sin6_addr = in6addr_any;
    rc = ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  const int error = errno;
  ::close(fd);
  return rc == 0 || (family == AF_INET6 && error == EADDRNOTAVAIL);
}

} // namespace

std::vector<int> PortBlock::ports() const {
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(first + i);
  return out;
}

bool port_is_free(int port) {
  in_addr loopback{htonl(INADDR_LOOPBACK)};
  in_addr any{htonl(INADDR_ANY)};
  return can_bind(AF_INET, &loopback, port) && can_bind(AF_INET, &any, port) && can_bind(AF_INET6, nullptr, port);
}

std::optional<PortBlock> find_lease(state::StateDb& db, std::string_view key) {
  const auto rows = db.query("SELECT first_port, port_count FROM port_leases WHERE key = ?1", {std::string(key)});
  if (rows.empty()) return std::nullopt;
  return PortBlock{static_cast<int>(state::as_int(rows[0][0])), static_cast<int>(state::as_int(rows[0][1]))};
}

std::vector<std::pair<std::string, PortBlock>> all_leases(state::StateDb& db) {
  std::vector<std::pair<std::string, PortBlock>> out;
  for (const auto& row : db.query("SELECT key, first_port, port_count FROM port_leases ORDER BY first_port"))
    out.emplace_back(state::as_string(row[0]),
                     PortBlock{static_cast<int>(state::as_int(row[1])), static_cast<int>(state::as_int(row[2]))});
  return out;
}

sdk::Result<PortBlock> lease_ports(state::StateDb& db, const config::PortsConfig& config, std::string_view repo_root,
                      std::string_view key, const std::function<bool(int)>& is_free) {
  if (auto held = find_lease(db, key)) return *held;
  const int per = config.per_workspace;
  const int blocks = per > 0 ? config.span / per : 0;
  if (blocks <= 0 || config.base <= 0 || config.base + config.span > 65536)
    return sdk::fail(sdk::FailureKind::invalid_input, "[ports] base = " + std::to_string(config.base) + ", span = " + std::to_string(config.span) +
                    ", per_workspace = " + std::to_string(per) + " leave no room for one port block");
  const auto leases = all_leases(db);
  const auto preferred = static_cast<int>(fnv1a(std::string(repo_root) + '\0' + std::string(key)) % blocks);
  for (int step = 0; step < blocks; ++step) {
    const int first = config.base + ((preferred + step) % blocks) * per;
    bool taken = false;
    for (const auto& [other, block] : leases)
      if (block.first < first + per && block.first + block.count > first) taken = true;
    for (int port = first; !taken && port < first + per; ++port)
      if (!is_free(port)) taken = true;
    if (taken) continue;
    db.execute("INSERT INTO port_leases (key, first_port, port_count, pid, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
               {std::string(key), std::int64_t{first}, std::int64_t{per}, std::int64_t{::getpid()},
                std::int64_t{std::time(nullptr)}});
    return PortBlock{first, per};
  }
  return sdk::fail(sdk::FailureKind::error, "no free block of " + std::to_string(per) + " ports in " + std::to_string(config.base) + "-" +
                  std::to_string(config.base + config.span - 1) + " (" + std::to_string(leases.size()) +
                  " leased; run \"fanout clean\" or widen [ports] span)");
}

void release_ports(state::StateDb& db, std::string_view key) {
  db.execute("DELETE FROM port_leases WHERE key = ?1", {std::string(key)});
}

} // namespace fanout::workspace
