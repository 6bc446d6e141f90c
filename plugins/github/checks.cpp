#include "checks.hpp"

#include "support/json_access.hpp"
#include "support/text_tail.hpp"
#include "support/url_encoding.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace fanout::github {

using nlohmann::json;
using sdk::CheckState;
using sdk::fail;
using sdk::FailureKind;
using support::int_at;
using support::string_at;

namespace {

constexpr const char* k_status_prefix = "status/";
constexpr const char* k_check_run_prefix = "check-run/";

/// A check run's conclusion as a state: failure for everything that wants a fix.
CheckState run_state(const std::string& status, const std::string& conclusion) {
  if (status != "completed") return CheckState::pending;
  if (conclusion == "success") return CheckState::success;
  if (conclusion == "neutral" || conclusion == "skipped" || conclusion == "stale") return CheckState::neutral;
  return CheckState::failure; // failure, timed_out, cancelled, action_required, startup_failure
}

sdk::Check from_run(const json& row) {
  sdk::Check check;
  const std::string id = std::to_string(int_at(row, "id"));
  const json* app = row.contains("app") && row["app"].is_object() ? &row["app"] : nullptr;
  const bool actions = app && string_at(*app, "slug") == "github-actions";
  check.id = actions ? id : k_check_run_prefix + id;
  check.name = string_at(row, "name");
  const std::string status = string_at(row, "status");
  check.state = run_state(status, string_at(row, "conclusion"));
  check.conclusion = status == "completed" ? string_at(row, "conclusion") : "";
  check.url = string_at(row, "html_url");
  if (check.url.empty()) check.url = string_at(row, "details_url");
  if (auto output = row.find("output"); output != row.end() && output->is_object()) {
    check.summary = string_at(*output, "title");
    if (check.summary.empty()) check.summary = string_at(*output, "summary");
  }
  return check;
}

sdk::Check from_status(const json& row) {
  sdk::Check check;
  check.id = k_status_prefix + std::to_string(int_at(row, "id"));
  check.name = string_at(row, "context");
  const std::string state = string_at(row, "state");
  check.state = state == "success"   ? CheckState::success
                : state == "pending" ? CheckState::pending
                                     : CheckState::failure; // failure, error
  check.conclusion = state == "pending" ? "" : state;
  check.url = string_at(row, "target_url");
  check.summary = string_at(row, "description");
  return check;
}

} // namespace

sdk::Result<std::vector<sdk::Check>> commit_checks(Api& api, const std::string& sha,
                                                   const sdk::CancelToken& cancel) {
  const std::string ref = support::encode_path_segment(sha);
  auto is_object = [](const json& row) { return row.is_object(); };
  auto runs = api.list("/commits/" + ref + "/check-runs?filter=latest&per_page=100", cancel, 0, is_object,
                       "check_runs");
  if (!runs) return std::move(runs).failure();
  auto statuses = api.list("/commits/" + ref + "/statuses?per_page=100", cancel, 0, is_object);
  if (!statuses) return std::move(statuses).failure();

  // The newest run of each name (a re-run gets a larger id), in the order GitHub listed them.
  std::map<std::string, std::int64_t> newest;
  for (const auto& row : *runs) {
    auto& id = newest[string_at(row, "name")];
    id = std::max(id, int_at(row, "id"));
  }
  std::vector<sdk::Check> out;
  for (const auto& row : *runs)
    if (newest[string_at(row, "name")] == int_at(row, "id")) out.push_back(from_run(row));
  // Statuses come newest first: the first of each context wins; a check run of the same name too.
  for (const auto& row : *statuses) {
    const std::string name = string_at(row, "context");
    if (newest.count(name)) continue;
    newest[name] = int_at(row, "id");
    out.push_back(from_status(row));
  }
  return out;
}

sdk::Result<std::string> job_log_tail(Api& api, const sdk::Check& check, std::size_t max_bytes,
                                      const sdk::CancelToken& cancel) {
  const bool digits = !check.id.empty() && std::all_of(check.id.begin(), check.id.end(),
                                                       [](unsigned char c) { return std::isdigit(c); });
  if (!digits) return std::string(); // a commit status or another app's check run: GitHub keeps no log for it
  // GitHub answers 302 to a signed URL on another host; the HTTP client follows it and does
  // not send the token there.
  auto log = api.call("GET", "/actions/jobs/" + check.id + "/logs", nullptr, cancel,
                      "github has no log for check \"" + check.name + "\" (job " + check.id +
                          "): the job may still be running, or its logs expired or were deleted",
                      {.max_retries = 3, .text = true});
  if (!log) return std::move(log).failure();
  return support::whole_lines_tail(log->get<std::string>(), max_bytes);
}

} // namespace fanout::github
