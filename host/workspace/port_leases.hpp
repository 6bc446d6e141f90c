#pragma once
// Port leases: each workspace holds `[ports] per_workspace` consecutive ports. Leases live
// in the state store and are taken inside its write transaction (BEGIN IMMEDIATE), so two
// fanout processes on one repository never hand out the same block.

#include "host/config/config.hpp"
#include "host/state/state_db.hpp"

#include <fanout/sdk/result.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::workspace {

/// `count` consecutive ports starting at `first`.
struct PortBlock {
  int first = 0;
  int count = 0;
  std::vector<int> ports() const;
  bool empty() const { return count == 0; }
};

/// True when nothing is bound to `port` on 127.0.0.1, 0.0.0.0 or [::] right now (tries to
/// bind each with SO_REUSEADDR, so sockets in TIME_WAIT do not count).
bool port_is_free(int port);

/// Returns `key`'s lease, taking one if it has none: the preferred block comes from
/// FNV-1a of repo root + key; a block is granted only when no lease overlaps it and
/// `is_free` holds for each of its ports; otherwise the next block, wrapping around.
/// Must run inside db.transaction(). A failure when every block is taken or the config
/// leaves no room for one block (the state store's own errors still throw).
sdk::Result<PortBlock> lease_ports(state::StateDb& db, const config::PortsConfig& config, std::string_view repo_root,
                      std::string_view key, const std::function<bool(int)>& is_free = port_is_free);

/// `key`'s lease, if it holds one.
std::optional<PortBlock> find_lease(state::StateDb& db, std::string_view key);

/// Every lease, by key.
std::vector<std::pair<std::string, PortBlock>> all_leases(state::StateDb& db);

/// Drops `key`'s lease (none held is fine).
void release_ports(state::StateDb& db, std::string_view key);

} // namespace fanout::workspace
