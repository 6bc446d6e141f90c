#include "neon_brancher.hpp"

#include "support/branch_name.hpp"
#include "support/json_access.hpp"
#include "support/url_encoding.hpp"

#include <algorithm>

namespace fanout::neon {
namespace {

using sdk::FailureKind;
using support::check_branch_name;
using support::encode_path_segment;
using support::encode_query_value;
using support::string_at;
using support::valid_branch_name;
using Clock = std::chrono::steady_clock;

std::string q(const std::string& value) { return "\"" + value + "\""; }

sdk::Failure cancelled() { return sdk::fail(FailureKind::cancelled, "neon branch operation cancelled"); }

// The server's Retry-After in seconds, else exponential backoff from `base`, capped at 10 s.
std::chrono::milliseconds backoff(const NeonReply& reply, int attempt, std::chrono::milliseconds base) {
  try {
    if (!reply.retry_after.empty()) return std::chrono::milliseconds(std::stoll(reply.retry_after) * 1000);
  } catch (...) {
  }
  const auto grown = base * (1LL << std::min(attempt, 6));
  return std::min<std::chrono::milliseconds>(grown, std::chrono::milliseconds(10000));
}

} // namespace

sdk::Result<std::vector<nlohmann::json>> NeonBrancher::branches(const sdk::CancelToken& cancel) {
  std::vector<nlohmann::json> out;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    const std::string path =
        m_api.project_path() + "/branches" + (cursor.empty() ? "" : "?cursor=" + encode_query_value(cursor));
    auto reply = m_api.send("GET", path, nullptr, {}, 3, cancel);
    if (!reply.ok()) return std::move(reply).failure();
    const auto& list = reply->body.is_object() ? reply->body.value("branches", nlohmann::json::array()) : nlohmann::json();
    if (!list.is_array())
      return sdk::fail(FailureKind::error, "neon API returned no \"branches\" array for GET " + path);
    for (const auto& branch : list) out.push_back(branch);
    // Cursor pagination where the API offers it: {"pagination": {"next": "<cursor>"}}.
    const auto pagination = reply->body.value("pagination", nlohmann::json::object());
    const std::string next = string_at(pagination, "next");
    if (next.empty() || list.empty() || next == cursor) break;
    cursor = next;
  }
  return out;
}

sdk::Result<std::optional<nlohmann::json>> NeonBrancher::find(const std::string& neon_name, const sdk::CancelToken& cancel) {
  auto all = branches(cancel);
  if (!all.ok()) return std::move(all).failure();
  for (auto& branch : *all)
    if (string_at(branch, "name") == neon_name) return std::optional<nlohmann::json>(std::move(branch));
  return std::optional<nlohmann::json>();
}

sdk::Result<std::string> NeonBrancher::parent_id(const sdk::CancelToken& cancel) {
  if (m_settings.parent.empty() || m_settings.parent.rfind("br-", 0) == 0) return m_settings.parent;
  auto parent = find(m_settings.parent, cancel);
  if (!parent.ok()) return std::move(parent).failure();
  if (!*parent)
    return sdk::fail(FailureKind::not_found, "neon parent branch " + q(m_settings.parent) + " not found in project " +
                                                 q(m_settings.project_id) + " (check [database] parent)");
  return string_at(**parent, "id");
}

sdk::Result<NeonReply> NeonBrancher::mutate(const std::string& method, const std::string& path, const nlohmann::json& body,
                                            const std::set<int>& pass, Clock::time_point deadline,
                                            const sdk::CancelToken& cancel) {
  std::set<int> statuses = pass;
  statuses.insert(423);
  for (int attempt = 0;; ++attempt) {
    // No host retries: a POST must not be repeated blindly; the caller re-checks state instead.
    auto reply = m_api.send(method, path, body, statuses, 0, cancel);
    // With no retries of its own, the host's client reports a 429 as a rate_limited failure.
    const bool limited = !reply.ok() && reply.failure().kind == FailureKind::rate_limited;
    if (!limited && (!reply.ok() || reply->status != 423)) return reply;
    const auto wait = backoff(limited ? NeonReply{} : *reply, attempt, m_settings.poll_interval);
    if (Clock::now() + wait > deadline) {
      if (limited)
        return sdk::fail(FailureKind::rate_limited, "neon API rate limit did not clear within " +
                                                        describe_wait(m_settings.wait_timeout) + " (HTTP 429 on " +
                                                        method + " " + path + ")");
      return sdk::fail(FailureKind::timeout, "neon project " + q(m_settings.project_id) +
                                                 " stayed locked by other operations (HTTP 423 on " + method + " " +
                                                 path + ") for longer than " + describe_wait(m_settings.wait_timeout) +
                                                 "; try again later or raise [database] wait_timeout");
    }
    if (!NeonApi::pause(wait, cancel)) return cancelled();
  }
}

sdk::Result<void> NeonBrancher::wait_for(const nlohmann::json& operations, const std::string& neon_name,
                                         Clock::time_point deadline, const sdk::CancelToken& cancel) {
  if (!operations.is_array()) return {};
  for (const auto& operation : operations) {
    std::string status = string_at(operation, "status");
    const std::string id = string_at(operation, "id");
    const std::string action = string_at(operation, "action");
    while (status != "finished" && status != "skipped") {
      if (status == "failed" || status == "cancelled" || status == "cancelling") {
        std::string message = "neon operation " + q(id) + " (" + action + ") " +
                              (status == "failed" ? "failed" : "was cancelled") + " for branch " + q(neon_name);
        return sdk::fail(FailureKind::error, message);
      }
      if (Clock::now() >= deadline)
        return sdk::fail(FailureKind::timeout, "neon branch " + q(neon_name) + " was not ready after " +
                                                   describe_wait(m_settings.wait_timeout) + ": operation " + q(id) +
                                                   " (" + action + ") is still " + q(status));
      if (!NeonApi::pause(m_settings.poll_interval, cancel)) return cancelled();
      const std::string operation_path = m_api.project_path() + "/operations/" + encode_path_segment(id);
      auto polled = m_api.send("GET", operation_path, nullptr, {}, 3, cancel);
      if (!polled.ok()) return std::move(polled).failure();
      status = string_at(polled->body.value("operation", nlohmann::json::object()), "status");
      if (status.empty())
        return sdk::fail(FailureKind::error, "neon API returned no operation status for operation " + q(id));
    }
  }
  return {};
}

sdk::Result<std::string> NeonBrancher::connection_uri(const std::string& branch_id, const sdk::CancelToken& cancel) {
  const std::string path = m_api.project_path() + "/connection_uri?branch_id=" + encode_query_value(branch_id) +
                           "&database_name=" + encode_query_value(m_settings.database) +
                           "&role_name=" + encode_query_value(m_settings.role) +
                           "&pooled=" + (m_settings.pooled ? "true" : "false");
  auto reply = m_api.send("GET", path, nullptr, {404}, 3, cancel);
  if (!reply.ok()) return std::move(reply).failure();
  if (reply->status == 404)
    return sdk::fail(FailureKind::not_found,
                     "neon has no connection URI for database " + q(m_settings.database) + " and role " +
                         q(m_settings.role) + " on branch " + q(branch_id) + " (" +
                         string_at(reply->body, "message") + "); set [database] database and role to ones of the project");
  const std::string uri = string_at(reply->body, "uri");
  if (uri.empty()) return sdk::fail(FailureKind::error, "neon API returned no \"uri\" for GET " + path);
  return uri;
}

sdk::Result<sdk::DatabaseBranch> NeonBrancher::create(const std::string& name, const sdk::CancelToken& cancel) {
  if (auto ok = check_branch_name(name); !ok.ok()) return std::move(ok).failure();
  const std::string neon_name = m_settings.prefix + name;
  const auto deadline = Clock::now() + m_settings.wait_timeout;

  std::string branch_id;
  // Up to a few rounds: a POST that failed in transit may still have made the branch, so
  // each round first looks for it by name.
  for (int round = 0; branch_id.empty(); ++round) {
    if (cancel.cancelled()) return cancelled();
    if (round > 4)
      return sdk::fail(FailureKind::error, "neon branch " + q(neon_name) + " could not be created: neon reported a "
                                           "conflict but does not list it (HTTP 409)");
    auto existing = find(neon_name, cancel);
    if (!existing.ok()) return std::move(existing).failure();
    if (*existing) {
      branch_id = string_at(**existing, "id");
      break;
    }
    auto parent = parent_id(cancel);
    if (!parent.ok()) return std::move(parent).failure();
    nlohmann::json body = {{"branch", {{"name", neon_name}}}, {"endpoints", {{{"type", "read_write"}}}}};
    if (!parent->empty()) body["branch"]["parent_id"] = *parent;

    auto made = mutate("POST", m_api.project_path() + "/branches", body, {409}, deadline, cancel);
    if (!made.ok()) {
      const auto kind = made.failure().kind;
      const bool transient = kind == FailureKind::error || kind == FailureKind::timeout;
      const bool client_error = made.failure().message.find("(HTTP 4") != std::string::npos;
      if (!transient || client_error || round >= 2 || Clock::now() >= deadline)
        return std::move(made).failure();
      m_api.pause(m_settings.poll_interval, cancel);
      continue;
    }
    if (made->status == 409) continue; // someone else made it: the next round finds it
    branch_id = string_at(made->body.value("branch", nlohmann::json::object()), "id");
    if (branch_id.empty()) return sdk::fail(FailureKind::error, "neon API returned no branch id when creating " + q(neon_name));
    if (auto ready = wait_for(made->body.value("operations", nlohmann::json::array()), neon_name, deadline, cancel); !ready.ok())
      return std::move(ready).failure();
  }

  auto uri = connection_uri(branch_id, cancel);
  if (!uri.ok()) return std::move(uri).failure();
  return sdk::DatabaseBranch{name, std::move(uri).value()};
}

sdk::Result<void> NeonBrancher::remove(const std::string& name, const sdk::CancelToken& cancel) {
  if (auto ok = check_branch_name(name); !ok.ok()) return std::move(ok).failure();
  const std::string neon_name = m_settings.prefix + name;
  auto existing = find(neon_name, cancel);
  if (!existing.ok()) return std::move(existing).failure();
  if (!*existing) return {};
  const auto deadline = Clock::now() + m_settings.wait_timeout;
  const std::string path =
      m_api.project_path() + "/branches/" + encode_path_segment(string_at(**existing, "id"));
  auto deleted = mutate("DELETE", path, nullptr, {404}, deadline, cancel);
  if (!deleted.ok()) return std::move(deleted).failure();
  if (deleted->status == 404) return {};
  return wait_for(deleted->body.is_object() ? deleted->body.value("operations", nlohmann::json::array()) : nlohmann::json(),
                  neon_name, deadline, cancel);
}

sdk::Result<std::vector<sdk::DatabaseBranch>> NeonBrancher::list(const sdk::CancelToken& cancel) {
  auto all = branches(cancel);
  if (!all.ok()) return std::move(all).failure();
  std::vector<sdk::DatabaseBranch> out;
  for (const auto& branch : *all) {
    const std::string neon_name = string_at(branch, "name");
    if (neon_name.size() <= m_settings.prefix.size() || neon_name.compare(0, m_settings.prefix.size(), m_settings.prefix) != 0)
      continue;
    const std::string name = neon_name.substr(m_settings.prefix.size());
    if (valid_branch_name(name)) out.push_back({name, ""});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

} // namespace fanout::neon
