#include "host/writeback/phase.hpp"

#include <array>
#include <utility>

namespace fanout::writeback {
namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 5> k_names{{
    {Phase::in_progress, "in_progress"},
    {Phase::in_review, "in_review"},
    {Phase::needs_human, "needs_human"},
    {Phase::failed, "failed"},
    {Phase::done, "done"},
}};

} // namespace

std::string_view to_string(Phase phase) noexcept {
  for (const auto& [value, name] : k_names)
    if (value == phase) return name;
  return "failed";
}

std::optional<Phase> parse_phase(std::string_view name) noexcept {
  for (const auto& [value, known] : k_names)
    if (known == name) return value;
  return std::nullopt;
}

const std::vector<Phase>& all_phases() {
  static const std::vector<Phase> phases = [] {
    std::vector<Phase> out;
    for (const auto& [value, name] : k_names)
      out.push_back(value);
    return out;
  }();
  return phases;
}

std::optional<Phase> phase_of(const pipeline::RunRecord& record) noexcept {
  switch (record.state) {
  case pipeline::RunState::running: return Phase::in_progress;
  case pipeline::RunState::done: return Phase::in_review;
  case pipeline::RunState::needs_human: return Phase::needs_human;
  case pipeline::RunState::failed:
  case pipeline::RunState::over_budget: return Phase::failed;
  case pipeline::RunState::cancelled: return std::nullopt;
  case pipeline::RunState::merged: return Phase::done;    // `fanout watch` saw the pull request merged
  case pipeline::RunState::closed: return std::nullopt; // closed unmerged: nothing to report as done
  }
  return std::nullopt;
}

} // namespace fanout::writeback
