#include "host/pipeline/budget.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace fanout::pipeline {

void FleetBudget::report(const std::string& run, std::int64_t tokens, double cost_usd) {
  std::lock_guard lock(m_mutex);
  m_by_run[run] = {tokens, cost_usd};
}

std::int64_t FleetBudget::tokens() const {
  std::lock_guard lock(m_mutex);
  std::int64_t total = 0;
  for (const auto& [run, usage] : m_by_run) total += usage.first;
  return total;
}

double FleetBudget::cost_usd() const {
  std::lock_guard lock(m_mutex);
  double total = 0;
  for (const auto& [run, usage] : m_by_run) total += usage.second;
  return total;
}

bool FleetBudget::exhausted() const {
  return (m_limits.max_tokens > 0 && tokens() >= m_limits.max_tokens) ||
         (m_limits.max_cost_usd > 0 && cost_usd() >= m_limits.max_cost_usd);
}

RunMeter::RunMeter(std::string run, Limits limits, FleetBudget* fleet, std::int64_t prior_tokens, double prior_cost)
    : m_run(std::move(run)), m_limits(limits), m_fleet(fleet), m_prior_tokens(prior_tokens), m_prior_cost(prior_cost) {}

bool RunMeter::live(const std::string& session, std::int64_t tokens, double cost_usd) {
  std::lock_guard lock(m_mutex);
  m_live[session] = {tokens, cost_usd};
  return check_locked();
}

bool RunMeter::settle(const std::string& session, std::int64_t tokens, double cost_usd) {
  std::lock_guard lock(m_mutex);
  m_live.erase(session);
  m_settled_tokens += tokens;
  m_settled_cost += cost_usd;
  return check_locked();
}

bool RunMeter::check_locked() {
  std::int64_t tokens = m_prior_tokens + m_settled_tokens;
  double cost = m_prior_cost + m_settled_cost;
  std::int64_t fresh_tokens = m_settled_tokens;
  double fresh_cost = m_settled_cost;
  for (const auto& [session, usage] : m_live) {
    tokens += usage.first;
    cost += usage.second;
    fresh_tokens += usage.first;
    fresh_cost += usage.second;
  }
  if (m_fleet) m_fleet->report(m_run, fresh_tokens, fresh_cost);
  if (!m_reason.empty()) return false;
  if (m_limits.max_tokens > 0 && tokens > m_limits.max_tokens)
    m_reason = fmt::format("used {} tokens, over the run's limit of {}", tokens, m_limits.max_tokens);
  else if (m_limits.max_cost_usd > 0 && cost > m_limits.max_cost_usd)
    m_reason = fmt::format("cost ${:.2f}, over the run's limit of ${:.2f}", cost, m_limits.max_cost_usd);
  else if (m_fleet && m_fleet->limits().max_tokens > 0 && m_fleet->tokens() > m_fleet->limits().max_tokens)
    m_reason = fmt::format("the fleet used {} tokens, over its limit of {}", m_fleet->tokens(),
                           m_fleet->limits().max_tokens);
  else if (m_fleet && m_fleet->limits().max_cost_usd > 0 && m_fleet->cost_usd() > m_fleet->limits().max_cost_usd)
    m_reason = fmt::format("the fleet cost ${:.2f}, over its limit of ${:.2f}", m_fleet->cost_usd(),
                           m_fleet->limits().max_cost_usd);
  return m_reason.empty();
}

bool RunMeter::over() const {
  std::lock_guard lock(m_mutex);
  return !m_reason.empty();
}

std::string RunMeter::reason() const {
  std::lock_guard lock(m_mutex);
  return m_reason;
}

double RunMeter::remaining_cost() const {
  std::lock_guard lock(m_mutex);
  double remaining = 0;
  if (m_limits.max_cost_usd > 0) remaining = std::max(0.0, m_limits.max_cost_usd - m_prior_cost - m_settled_cost);
  if (m_fleet && m_fleet->limits().max_cost_usd > 0) {
    const double fleet_left = std::max(0.0, m_fleet->limits().max_cost_usd - m_fleet->cost_usd());
    remaining = remaining > 0 ? std::min(remaining, fleet_left) : fleet_left;
  }
  return remaining;
}

std::int64_t RunMeter::tokens() const {
  std::lock_guard lock(m_mutex);
  std::int64_t tokens = m_prior_tokens + m_settled_tokens;
  for (const auto& [session, usage] : m_live) tokens += usage.first;
  return tokens;
}

double RunMeter::cost_usd() const {
  std::lock_guard lock(m_mutex);
  double cost = m_prior_cost + m_settled_cost;
  for (const auto& [session, usage] : m_live) cost += usage.second;
  return cost;
}

std::int64_t RunMeter::new_tokens() const {
  std::lock_guard lock(m_mutex);
  return m_settled_tokens;
}

double RunMeter::new_cost_usd() const {
  std::lock_guard lock(m_mutex);
  return m_settled_cost;
}

} // namespace fanout::pipeline
