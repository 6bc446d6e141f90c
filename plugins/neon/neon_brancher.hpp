#pragma once
// NeonBrancher: a branch is a Neon branch named <prefix><name> (default "fanout-<name>")
// with a read_write compute endpoint; its URL is Neon's connection URI for it.

#include "neon_api.hpp"

#include <fanout/sdk/database_brancher.hpp>

#include <optional>

namespace fanout::neon {

/// Thread-safe: no mutable state; Neon serialises conflicting operations (HTTP 423), which
/// is retried with backoff until `wait_timeout`.
class NeonBrancher final : public sdk::DatabaseBrancher {
public:
  NeonBrancher(sdk::Host& host, NeonSettings settings) : m_settings(std::move(settings)), m_api(host, m_settings) {}

  sdk::Result<sdk::DatabaseBranch> create(const std::string& name, const sdk::CancelToken& cancel) override;
  sdk::Result<void> remove(const std::string& name, const sdk::CancelToken& cancel) override;
  /// Names only: URLs would cost a call per branch and hold passwords (`url` is "").
  sdk::Result<std::vector<sdk::DatabaseBranch>> list(const sdk::CancelToken& cancel) override;
  /// Neon branches are served by Neon's endpoints, which any machine with the URL reaches.
  bool reachable_remotely() const override { return true; }

private:
  /// Every branch of the project (following pagination cursors).
  sdk::Result<std::vector<nlohmann::json>> branches(const sdk::CancelToken& cancel);
  /// The branch called `neon_name`, if any.
  sdk::Result<std::optional<nlohmann::json>> find(const std::string& neon_name, const sdk::CancelToken& cancel);
  /// parent_id for a new branch: "" for the project's default branch.
  sdk::Result<std::string> parent_id(const sdk::CancelToken& cancel);
  /// Sends a mutating call, retrying HTTP 423 (project busy) and 429 with backoff until the deadline.
  sdk::Result<NeonReply> mutate(const std::string& method, const std::string& path, const nlohmann::json& body,
                                const std::set<int>& pass, std::chrono::steady_clock::time_point deadline,
                                const sdk::CancelToken& cancel);
  /// Polls each operation in `operations` until it is finished or skipped.
  sdk::Result<void> wait_for(const nlohmann::json& operations, const std::string& neon_name,
                             std::chrono::steady_clock::time_point deadline, const sdk::CancelToken& cancel);
  sdk::Result<std::string> connection_uri(const std::string& branch_id, const sdk::CancelToken& cancel);

  NeonSettings m_settings;
  NeonApi m_api;
};

} // namespace fanout::neon
