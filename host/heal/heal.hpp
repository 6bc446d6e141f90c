#pragma once
// `fanout heal`: findings of recent runs -> an agent (model `heal`, prompt heal.md) proposes
// changes to the repo's agent rules ([heal] rules) on branch fanout/heal-<date> in a worktree
// of its own -> a pull request with the evidence. Nothing is applied to the base branch, and
// a proposal that touches anything but the rule files is refused.

#include "host/config/config.hpp"
#include "host/heal/evidence.hpp"
#include "host/pipeline/services.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace fanout::heal {

struct HealOptions {
  std::string date;      ///< YYYY-MM-DD, for the branch name
  bool no_pr = false;    ///< stop after the commit (no push, no pull request)
};

struct HealOutcome {
  int findings = 0;
  int runs = 0;
  std::string branch;              ///< "" when nothing was proposed
  std::filesystem::path worktree;
  std::string reply;               ///< the agent's final answer
  std::optional<sdk::PullRequest> pr;
};

/// True when `file` (repo-relative, '/'-separated) is one of `rules` or inside one of them.
bool is_rule_file(const std::string& file, const std::vector<std::string>& rules);

/// Runs heal. Progress lines go to `out`. Throws UserError on failures, naming the step:
///   heal: the agent session ended with "auth": Not logged in
///   heal changed files outside the agent rules: "app.py" (allowed: "CLAUDE.md", ...); see branch "fanout/heal-..."
HealOutcome run_heal(const config::Config& config, const pipeline::Services& services,
                     const pipeline::Settings& settings, const HealOptions& options, std::ostream& out);

} // namespace fanout::heal
