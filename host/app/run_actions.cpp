#include "host/app/run_actions.hpp"

#include "host/state/run_lock.hpp"
#include "host/util/error.hpp"
#include "host/workspace/store.hpp"

#include <fmt/format.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>

namespace fanout::app {

using pipeline::RunState;

namespace {

UserError no_run(const std::string& issue) {
  return UserError(fmt::format("no run for issue \"{}\" (start one with: fanout run {})", issue, issue));
}

RunRecord existing(RunStore& store, const std::string& issue) {
  auto run = store.get(issue);
  if (!run) throw no_run(issue);
  return *run;
}

/// The refusal of approvable() for a run that does not wait for plan approval.
UserError not_waiting(const RunRecord& run) {
  return UserError(fmt::format("run \"{}\" is not waiting for plan approval (it is {} at stage \"{}\")", run.issue,
                               to_string(run.state), run.stage));
}

/// Throws the live-run refusal when a process holds the run lock of `run` (one live run per
/// issue: host/state/run_lock.hpp).
void refuse_live(RunStore& store, const RunRecord& run) {
  if (auto holder = state::RunLock::holder(store.state_dir(), run.issue))
    throw UserError(state::live_run_message(run.issue, *holder));
}

/// True when `pid` runs a program named like this one (so a recycled pid is never signalled).
bool is_fanout(std::int64_t pid) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink(fmt::format("/proc/{}/exe", pid), ec);
  if (ec) return false;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return !ec && exe.filename() == self.filename();
}

} // namespace

RunRecord approvable(RunStore& store, const std::string& issue) {
  auto run = existing(store, issue);
  if (!run.waits_for_plan_approval()) throw not_waiting(run);
  return run;
}

RunRecord approve_plan(RunStore& store, const std::string& issue) {
  auto approval = store.approve_plan(issue);
  if (!approval.run) throw no_run(issue);
  if (!approval.approved) throw not_waiting(*approval.run);
  return *approval.run;
}

std::vector<std::string> resumable(RunStore& store, const std::vector<std::string>& named) {
  std::vector<std::string> keys;
  auto check = [&](const RunRecord& run, bool explicit_name) {
    if (state::RunLock::holder(store.state_dir(), run.issue)) {
      if (explicit_name) refuse_live(store, run);
      return;
    }
    if (run.waits_for_plan_approval()) {
      if (explicit_name)
        throw UserError(fmt::format("run \"{}\" waits for plan approval (fanout approve {})", run.issue, run.issue));
      return;
    }
    if (run.state == RunState::merged || run.state == RunState::closed) {
      if (explicit_name)
        throw UserError(fmt::format("run \"{}\" is {}: its pull request is no longer open", run.issue,
                                    pipeline::to_string(run.state)));
      return;
    }
    if (!explicit_name && (run.state == RunState::done || run.state == RunState::needs_human)) return;
    keys.push_back(run.issue);
  };
  if (named.empty()) {
    for (const auto& run : store.all()) check(run, false);
    return keys;
  }
  for (const auto& key : named) check(existing(store, key), true);
  return keys;
}

RunRecord reviewable(RunStore& store, const std::string& issue) {
  auto run = store.get(issue);
  if (!run || run->worktree.empty())
    throw UserError(fmt::format("no workspace for issue \"{}\" (start a run with: fanout run {})", issue, issue));
  refuse_live(store, *run);
  return *run;
}

Cancelled cancel(RunStore& store, const std::string& issue) {
  const auto run = existing(store, issue);
  if (run.state != RunState::running)
    throw UserError(fmt::format("run \"{}\" is not running (it is {} at stage \"{}\")", run.issue, to_string(run.state),
                                run.stage));
  if (!workspace::process_alive(run.pid))
    throw UserError(fmt::format("run \"{}\" has no live process (process {} is gone); it stopped already", run.issue,
                                run.pid));
  if (!is_fanout(run.pid))
    throw UserError(fmt::format("process {} recorded for run \"{}\" is not fanout; not signalling it", run.pid,
                                run.issue));
  Cancelled out{run.pid, {}};
  for (const auto& other : store.all())
    if (other.issue != run.issue && other.pid == run.pid && other.state == RunState::running)
      out.others.push_back(other.issue);
  if (::kill(static_cast<pid_t>(run.pid), SIGINT) != 0)
    throw UserError(fmt::format("cannot signal process {} of run \"{}\"", run.pid, run.issue));
  return out;
}

} // namespace fanout::app
