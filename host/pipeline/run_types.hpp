#pragma once
// The vocabulary of a run: its states, its stages, and what validation produced.

#include <fanout/sdk/reviewer.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::pipeline {

/// Where a run stands. Only `running` is unfinished work in progress; `cancelled`,
/// `failed` and `over_budget` runs can be resumed; `done` and `needs_human` are final for
/// the loop (a human acts next: merge, or `fanout approve` for the plan gate), though
/// `fanout watch` acts on their pull request; `merged` and `closed` end a run for good
/// (`fanout watch` saw its pull request merged or closed).
enum class RunState { running, done, needs_human, failed, over_budget, cancelled, merged, closed };

/// "running", "done", "needs_human", "failed", "over_budget", "cancelled", "merged", "closed".
std::string_view to_string(RunState state) noexcept;
/// The state called `name`, or nullopt.
std::optional<RunState> parse_run_state(std::string_view name) noexcept;

/// Stage names, in pipeline order. `validate` and `fix` repeat, numbered by round.
namespace stage {
inline constexpr std::string_view fetch = "fetch";
inline constexpr std::string_view up = "up";
inline constexpr std::string_view plan = "plan";
inline constexpr std::string_view approve_plan = "approve_plan";
inline constexpr std::string_view build = "build";
inline constexpr std::string_view publish = "publish";
inline constexpr std::string_view validate = "validate";
inline constexpr std::string_view fix = "fix";
inline constexpr std::string_view report = "report";
} // namespace stage

/// One reviewer's outcome in one validation round: a verdict, or the reason it could not
/// give one (`failure` set, `review` empty). A failure is never counted as a verdict.
struct ReviewOutcome {
  std::string reviewer;              ///< the [[review]] name
  std::optional<sdk::Review> review; ///< absent when the reviewer failed
  std::string failure;               ///< "" when it ran
};

/// True when the outcome is a request_changes verdict.
bool requests_changes(const ReviewOutcome& outcome) noexcept;

/// How a validation round went as a whole.
enum class RoundVerdict {
  approved,        ///< every reviewer approved (with or without suggested changes)
  changes_needed,  ///< at least one reviewer requested changes
  incomplete,      ///< nobody requested changes, but a reviewer failed
};
RoundVerdict summarize(const std::vector<ReviewOutcome>& outcomes) noexcept;

} // namespace fanout::pipeline
