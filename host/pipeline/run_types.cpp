#include "host/pipeline/run_types.hpp"

#include <array>
#include <utility>

namespace fanout::pipeline {
namespace {

constexpr std::array<std::pair<RunState, std::string_view>, 8> k_states{{
    {RunState::running, "running"},
    {RunState::done, "done"},
    {RunState::needs_human, "needs_human"},
    {RunState::failed, "failed"},
    {RunState::over_budget, "over_budget"},
    {RunState::cancelled, "cancelled"},
    {RunState::merged, "merged"},
    {RunState::closed, "closed"},
}};

} // namespace

std::string_view to_string(RunState state) noexcept {
  for (const auto& [value, name] : k_states)
    if (value == state) return name;
  return "failed";
}

std::optional<RunState> parse_run_state(std::string_view name) noexcept {
  for (const auto& [value, known] : k_states)
    if (known == name) return value;
  return std::nullopt;
}

bool requests_changes(const ReviewOutcome& outcome) noexcept {
  return outcome.review && outcome.review->verdict == sdk::Verdict::request_changes;
}

RoundVerdict summarize(const std::vector<ReviewOutcome>& outcomes) noexcept {
  bool failed = false;
  for (const auto& outcome : outcomes) {
    if (requests_changes(outcome)) return RoundVerdict::changes_needed;
    if (!outcome.review) failed = true;
  }
  return failed ? RoundVerdict::incomplete : RoundVerdict::approved;
}

} // namespace fanout::pipeline
