#pragma once
// What `fanout watch` asks of a run whose pull request is open (host/watch/): the builder's
// session is resumed with findings that came from outside (failing CI checks, people's review
// comments, a conflict with the base), what it commits is validated by fresh reviewers with
// fix rounds exactly as in `fanout run`, and the branch is pushed.

#include "host/pipeline/run_types.hpp"

#include <fanout/sdk/code_host.hpp>
#include <fanout/sdk/result.hpp>

#include <string>
#include <vector>

namespace fanout::pipeline {

/// Brings a branch up to date with its base in the worktree (a rebase or a merge, started
/// by git); the builder resolves what conflicts. Called on the run's thread, in order:
/// start, then resume after each builder session while conflicts remain, abort on giving up.
class BranchUpdate {
public:
  virtual ~BranchUpdate() = default;
  /// Starts the update. Returns what conflicts as Markdown for the builder ("" when git
  /// applied it cleanly and the update is complete).
  virtual sdk::Result<std::string> start(const sdk::CancelToken& cancel) = 0;
  /// Continues after the builder resolved the conflicts it was given; returns the next
  /// conflicts ("" when the update is complete).
  virtual sdk::Result<std::string> resume(const sdk::CancelToken& cancel) = 0;
  /// Gives up: the worktree is left as it was before start().
  virtual void abort() = 0;
};

struct FollowUp {
  std::string stage;    ///< "ci", "comments" or "update": recorded as the run's stage
  int round = 1;        ///< this stage's round for the run: the transcript is "<stage>-<round>.jsonl"
  std::string prompt;   ///< the prompt template ("ci", "comments", "update")
  std::string findings; ///< Markdown given to the prompt as {{findings}}
  std::string subject;  ///< commit subject for what the builder leaves uncommitted
  /// The update of the branch to run first (stage "update"); null for the others.
  BranchUpdate* update = nullptr;
  /// How to push the result (force_with_lease after a rebase).
  sdk::PushOptions push;
};

struct FollowUpResult {
  /// done (pushed, reviewers approve), needs_human (pushed, reviewers still request
  /// changes; or the builder could not resolve a conflict), failed, over_budget, cancelled.
  RunState state = RunState::failed;
  std::string error;   ///< why, when not done
  std::string before;  ///< HEAD before the builder ran
  std::string after;   ///< HEAD after (equal to `before` when nothing changed)
  bool pushed = false;
  std::string agent_text; ///< the builder's final answer (its reply for comments it did not act on)
};

} // namespace fanout::pipeline
