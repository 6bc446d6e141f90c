#include "host/pipeline/pipeline.hpp"

#include "host/git/changes.hpp"
#include "host/pipeline/prompt_template.hpp"
#include "host/pipeline/prompts.hpp"
#include "host/pipeline/run_status.hpp"
#include "host/pipeline/report.hpp"
#include "host/pipeline/session.hpp"
#include "host/pipeline/validate.hpp"
#include "host/state/process_ledger.hpp"
#include "host/util/private_mode.hpp"
#include "host/util/text_file.hpp"
#include "host/workspace/private_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fanout::pipeline {
namespace {

/// Ends a run early with a state and the reason; caught in Pipeline::run.
struct Stop {
  RunState state;
  std::string message;
};

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  util::private_dir(path.parent_path());
  const auto temp = path.string() + ".tmp";
  util::private_file(temp);
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(temp, path);
}

std::chrono::milliseconds tighter(std::chrono::milliseconds a, std::chrono::milliseconds b) {
  if (a.count() <= 0) return b;
  if (b.count() <= 0) return a;
  return std::min(a, b);
}

} // namespace

/// The state of one run while it executes; lives on the run's thread.
class Pipeline::Run {
public:
  Run(Pipeline& owner, const std::string& key, const Limits& limits)
      : m_owner(owner), m_key(key), m_store(owner.m_settings.db_path),
        m_dir(owner.run_dir(key)), m_services(owner.m_services), m_settings(owner.m_settings) {
    m_store.begin(key);
    m_record = *m_store.get(key);
    m_meter.emplace(key, limits, &owner.m_fleet, m_record.tokens, m_record.cost_usd);
  }

  RunState execute(RunMode mode);
  FollowUpResult follow_up(const FollowUp& request, const RunRecord& prior);

private:
  // Stages
  void fetch();
  void up();
  void plan();
  void build();
  void publish();
  std::vector<ReviewOutcome> validate(int round);
  bool fix(int round, const std::vector<ReviewOutcome>& outcomes, bool push = true);
  void resume_builder(const std::string& label, const std::string& prompt_name, const std::string& findings,
                      std::string* text = nullptr);
  void push(const std::string& stage, const sdk::PushOptions& options);
  int next_validation_round();
  void report(RunState state, const std::vector<ReviewOutcome>& outcomes, int rounds, const std::string& note);

  void enter(std::string_view stage, int round = 0);
  void write_back();
  bool keeps_status_comment() const { return m_services.write_back && m_services.write_back->keeps_status_comment(); }
  void progress(const std::string& last_event, bool stage_changed = false);
  SessionRun session(const std::string& label, sdk::SessionRequest request);
  std::unique_ptr<sdk::ProcessRunner> place(const std::string& stage);
  void check_session(const std::string& stage, const SessionRun& run);
  void check_cancel();
  void settle_usage();
  sdk::SessionRequest agent_request(std::string prompt, std::string model, sdk::Permission permission);
  std::string prompt(const std::string& name, const std::string& findings = "", const std::string& diff = "");
  std::string head();
  void commit_leftovers(const std::string& stage, const std::string& subject);
  std::optional<sdk::PullRequest> current_pr();

  Pipeline& m_owner;
  std::string m_key;
  RunStore m_store;
  std::filesystem::path m_dir;
  const Services& m_services;
  const Settings& m_settings;
  RunRecord m_record;
  std::optional<RunMeter> m_meter;
  sdk::Issue m_issue;
  sdk::WorkspaceInfo m_workspace;
  std::string m_plan;
  std::string m_stage;
  bool m_in_progress = false; ///< the write-back heard that this run works on the issue
  std::int64_t m_stored_tokens = 0;
  double m_stored_cost = 0;
};

Pipeline::Pipeline(const Services& services, const Settings& settings, FleetBudget& fleet, CancelScope& scope,
                   Observer* observer)
    : m_services(services), m_settings(settings), m_fleet(fleet), m_scope(scope), m_observer(observer) {}

std::filesystem::path Pipeline::run_dir(const std::string& issue) const {
  return pipeline::run_dir(m_settings.runs_dir, issue);
}

RunState Pipeline::run(const std::string& issue, const Limits& limits, RunMode mode) {
  const state::ProcessLedger::IssueTag tag(issue); // the ledger names the issue of what this run starts
  try {
    Run run(*this, issue, limits);
    return run.execute(mode);
  } catch (const std::exception& e) {
    try {
      RunStore(m_settings.db_path).set_state(issue, RunState::failed, e.what());
    } catch (...) {
    }
    if (m_observer) m_observer->update({issue, "", RunState::failed, 0, 0, e.what(), true});
    return RunState::failed;
  }
}

FollowUpResult Pipeline::follow_up(const std::string& issue, const Limits& limits, const FollowUp& request) {
  const state::ProcessLedger::IssueTag tag(issue);
  try {
    RunRecord prior;
    if (auto found = RunStore(m_settings.db_path).get(issue)) prior = *found;
    Run run(*this, issue, limits);
    return run.follow_up(request, prior);
  } catch (const std::exception& e) {
    try {
      RunStore(m_settings.db_path).set_state(issue, RunState::failed, e.what());
    } catch (...) {
    }
    FollowUpResult out;
    out.error = e.what();
    return out;
  }
}

RunState Pipeline::Run::execute(RunMode mode) {
  RunState final_state = RunState::failed;
  std::string error;
  try {
    check_cancel();
    fetch();
    up();
    if (mode == RunMode::validate_only) {
      m_store.reset_validation(m_key);
      m_plan = util::read_text(m_dir / "plan.md");
      auto outcomes = validate(0);
      final_state = summarize(outcomes) == RoundVerdict::approved ? RunState::done : RunState::needs_human;
      report(final_state, outcomes, 1, "");
    } else {
      plan();
      if (m_settings.approve_plan && !m_store.done(m_key, stage::approve_plan)) {
        enter(stage::approve_plan);
        throw Stop{RunState::needs_human, "the plan waits for approval: fanout approve " + m_key};
      }
      build();
      publish();
      int round = 0;
      std::vector<ReviewOutcome> outcomes;
      while (true) {
        outcomes = m_store.done(m_key, stage::validate, round) ? m_store.reviews(m_key, round) : validate(round);
        if (summarize(outcomes) != RoundVerdict::changes_needed || round >= m_settings.fix_rounds) break;
        if (!m_store.done(m_key, stage::fix, round + 1) && !fix(round + 1, outcomes)) {
          error = fmt::format("fix round {}: the agent made no commit", round + 1);
          break;
        }
        ++round;
      }
      final_state = summarize(outcomes) == RoundVerdict::approved ? RunState::done : RunState::needs_human;
      if (final_state == RunState::needs_human && error.empty())
        error = summarize(outcomes) == RoundVerdict::changes_needed
                    ? fmt::format("changes still requested after {} fix round(s)", round)
                    : "a reviewer could not run";
      report(final_state, outcomes, round + 1, error);
    }
  } catch (const Stop& stop) {
    final_state = stop.state;
    error = stop.message;
  }
  settle_usage();
  // Ctrl-C wins over whatever the interrupted step reported, so the run stays resumable.
  if (m_owner.m_scope.cancelled() && final_state != RunState::done && final_state != RunState::needs_human) {
    final_state = RunState::cancelled;
    error = "cancelled (resume with: fanout resume " + m_key + ")";
  }
  m_store.set_state(m_key, final_state, error);
  write_back();
  if (m_owner.m_observer)
    m_owner.m_observer->update({m_key, m_stage, final_state, m_meter->tokens(), m_meter->cost_usd(),
                                error.empty() ? std::string(to_string(final_state)) : error, true});
  return final_state;
}

void Pipeline::Run::enter(std::string_view stage, int round) {
  check_cancel();
  m_stage = round > 0 ? fmt::format("{} {}", stage, round) : std::string(stage);
  m_store.enter_stage(m_key, stage, round);
  progress("", true);
  // The issue is in progress once a stage that works on it starts: a run started again
  // that has nothing left to do (or still waits for its plan's approval) never says so.
  if (!m_in_progress && stage != stage::fetch && stage != stage::up && stage != stage::approve_plan) {
    m_in_progress = true;
    write_back();
  }
}

/// The run's state as recorded, to its tracker issue (RunWriteBack): when its first working
/// stage starts and when it ends; only once the issue is fetched (there is nothing to write
/// to before).
void Pipeline::Run::write_back() {
  if (!m_services.write_back || m_issue.key.empty()) return;
  try {
    if (auto record = m_store.get(m_key)) m_services.write_back->run_changed(*record, m_owner.m_scope.child());
  } catch (const std::exception& e) { // the state store: a write-back never ends a run
    progress(std::string("could not write back to the issue: ") + e.what());
  }
}

void Pipeline::Run::progress(const std::string& last_event, bool stage_changed) {
  if (!m_owner.m_observer) return;
  m_owner.m_observer->update(
      {m_key, m_stage, RunState::running, m_meter->tokens(), m_meter->cost_usd(), last_event, stage_changed});
}

void Pipeline::Run::check_cancel() {
  if (m_owner.m_scope.cancelled()) throw Stop{RunState::cancelled, "cancelled"};
  if (m_meter && m_meter->over()) throw Stop{RunState::over_budget, m_meter->reason()};
}

void Pipeline::Run::settle_usage() {
  const auto tokens = m_meter->new_tokens() - m_stored_tokens;
  const auto cost = m_meter->new_cost_usd() - m_stored_cost;
  if (tokens != 0 || cost != 0) m_store.add_usage(m_key, tokens, cost);
  m_stored_tokens += tokens;
  m_stored_cost += cost;
}

void Pipeline::Run::fetch() {
  if (m_store.done(m_key, stage::fetch) && m_record.fetched) {
    m_issue = *m_record.fetched;
    return;
  }
  enter(stage::fetch);
  auto issue = m_services.tracker->get(m_key, m_owner.m_scope.child());
  check_cancel();
  if (!issue.ok()) throw Stop{RunState::failed, "fetch: " + issue.failure().message};
  m_issue = std::move(*issue);
  m_store.set_issue(m_key, m_issue);
  m_store.complete_stage(m_key, stage::fetch);
}

void Pipeline::Run::up() {
  enter(stage::up);
  auto workspace = m_services.workspaces->up(m_issue, m_owner.m_scope.child());
  check_cancel();
  if (!workspace.ok()) throw Stop{RunState::failed, "up: " + workspace.failure().message};
  m_workspace = std::move(*workspace);
  m_store.set_workspace(m_key, m_workspace.branch, m_workspace.path.string());
  m_store.complete_stage(m_key, stage::up);
}

std::string Pipeline::Run::prompt(const std::string& name, const std::string& findings, const std::string& diff) {
  auto text = render_prompt(m_settings.repo_root, name,
                            prompt_values(m_issue, m_workspace, m_plan, findings, diff, m_settings.database_env));
  if (!text.ok()) throw Stop{RunState::failed, text.failure().message};
  return std::move(*text);
}

sdk::SessionRequest Pipeline::Run::agent_request(std::string prompt, std::string model, sdk::Permission permission) {
  sdk::SessionRequest request;
  request.prompt = std::move(prompt);
  request.workdir = m_workspace.path;
  request.env = m_settings.agent_env;
  for (const auto& [name, value] : m_workspace.env) request.env[name] = value;
  request.model = std::move(model);
  request.permission = permission;
  return request;
}

SessionRun Pipeline::Run::session(const std::string& label, sdk::SessionRequest request) {
  SessionContext context;
  context.label = label;
  context.transcript = m_dir / (label + ".jsonl");
  context.provider = m_settings.agent_provider;
  context.meter = &*m_meter;
  context.scope = &m_owner.m_scope;
  context.on_event = [this](const std::string& summary) { progress(summary); };
  context.place = [this](const std::string& stage) { return place(stage); };
  auto run = run_session(*m_services.agent, std::move(request), context);
  settle_usage();
  return run;
}

/// Where a session of this run runs: on this machine (nullptr) unless a remote runner is
/// configured. The labels depend only on the run and the stage, so a resumed run names its
/// sessions as the killed one did (the runner then follows what it had started).
std::unique_ptr<sdk::ProcessRunner> Pipeline::Run::place(const std::string& stage) {
  if (!m_services.remote) return nullptr;
  return m_services.remote->runner_for(
      {m_key, std::to_string(m_record.created_at), stage, m_workspace.path, m_workspace.branch});
}

/// Turns a session that did not succeed into the run's end.
void Pipeline::Run::check_session(const std::string& stage, const SessionRun& run) {
  if (run.over_budget) throw Stop{RunState::over_budget, m_meter->reason()};
  check_cancel();
  if (!run.result.ok()) throw Stop{RunState::failed, stage + ": " + run.result.failure().message};
  const auto& result = *run.result;
  if (result.outcome == sdk::SessionOutcome::success) return;
  if (result.outcome == sdk::SessionOutcome::budget) throw Stop{RunState::over_budget, stage + ": " + result.text};
  std::string text = result.text;
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  throw Stop{RunState::failed, fmt::format("{}: the agent session ended with \"{}\"{}", stage,
                                           sdk::to_string(result.outcome), text.empty() ? "" : ": " + text)};
}

void Pipeline::Run::plan() {
  const auto file = m_dir / "plan.md";
  if (m_store.done(m_key, stage::plan) && std::filesystem::exists(file)) {
    m_plan = util::read_text(file);
    return;
  }
  enter(stage::plan);
  auto request = agent_request(prompt("plan"), m_settings.plan_model, sdk::Permission::read_only);
  request.timeout = m_settings.plan_timeout;
  auto run = session("plan", std::move(request));
  check_session("plan", run);
  m_plan = run.result->text;
  write_file(file, m_plan);
  m_store.complete_stage(m_key, stage::plan);
}

std::string Pipeline::Run::head() {
  auto sha = git::head(*m_services.processes, m_workspace.path, m_owner.m_scope.child());
  check_cancel();
  if (!sha.ok()) throw Stop{RunState::failed, sha.failure().message};
  return *sha;
}

/// Commits what the build or fix session left uncommitted (docs/agents.md: "Commits"): an
/// agent that may edit but cannot commit (codex's sandbox keeps the git dir read-only), or
/// that forgot to, still produces a branch.
void Pipeline::Run::commit_leftovers(const std::string& stage, const std::string& subject) {
  std::string message = subject.size() > 72 ? subject.substr(0, 69) + "..." : subject;
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  message += "\n\nfanout committed the changes the " + stage + " session left uncommitted, for issue " + m_key +
             (m_issue.url.empty() ? "" : " (" + m_issue.url + ")") + ".\n";
  auto committed = git::commit_leftovers(*m_services.processes, m_workspace.path, message, m_owner.m_scope.child());
  check_cancel();
  if (!committed.ok()) throw Stop{RunState::failed, stage + ": " + committed.failure().message};
  if (*committed) progress("committed the changes the " + stage + " session left uncommitted");
}

void Pipeline::Run::build() {
  if (m_store.done(m_key, stage::build)) return;
  enter(stage::build);
  // The first attempt fixes the base: a build resumed after a crash that had committed
  // already counts those commits.
  std::string base = m_store.get(m_key)->build_base;
  if (base.empty()) {
    base = head();
    m_store.set_build_base(m_key, base);
  }
  auto request = agent_request(prompt("build"), m_settings.build_model, sdk::Permission::edit);
  request.timeout = m_settings.build_timeout;
  const auto previous = m_store.get(m_key)->build_session;
  if (!previous.empty() && m_services.agent->can_resume()) request.resume_session_id = previous;
  auto run = session("build", std::move(request));
  if (run.result.ok() && !run.result->session_id.empty()) m_store.set_build_session(m_key, run.result->session_id);
  check_session("build", run);
  commit_leftovers("build", m_issue.title + " (" + m_key + ")");
  if (head() == base) throw Stop{RunState::failed, "build: the agent made no commit on \"" + m_workspace.branch + "\""};
  m_store.complete_stage(m_key, stage::build);
}

std::optional<sdk::PullRequest> Pipeline::Run::current_pr() {
  auto found = m_services.code_host->find(m_workspace.branch, m_owner.m_scope.child());
  if (!found.ok()) throw Stop{RunState::failed, "publish: " + found.failure().message};
  return *found;
}

void Pipeline::Run::publish() {
  if (m_store.done(m_key, stage::publish)) return;
  enter(stage::publish);
  sdk::CancelToken cancel = m_owner.m_scope.child();
  sdk::PullRequest pr;
  // A file fanout copied into the worktree (.env, the env file, a reuse dir) never leaves
  // in a commit, even one made with `git add -f`: refused before anything is pushed.
  if (!m_settings.private_files.empty()) {
    auto touched = git::touched_files(*m_services.processes, m_workspace.path, m_workspace.base, cancel);
    check_cancel();
    if (!touched.ok()) throw Stop{RunState::failed, "publish: " + touched.failure().message};
    for (const auto& [commit, file] : *touched)
      if (workspace::first_private({file}, m_settings.private_files))
        throw Stop{RunState::failed, "publish: refused to push \"" + m_workspace.branch + "\": commit " + commit +
                                         " contains \"" + file +
                                         "\", which fanout copied into the worktree and must not leave it (remove "
                                         "it from the branch's history, then run \"fanout resume " + m_key + "\")"};
  }
  {
    auto pushed = m_services.code_host->push(m_workspace.path, m_workspace.branch, {}, cancel);
    check_cancel();
    if (!pushed.ok()) throw Stop{RunState::failed, "publish: " + pushed.failure().message};
  }
  // Find before opening: a run that died after opening its PR must not open a second one.
  auto existing = current_pr();
  check_cancel();
  if (existing) {
    pr = *existing;
  } else {
    // A workspace started from origin/<base> ([workspace] base_remote) opens its pull
    // request against <base>: the code host knows its branches by their own names.
    std::string base = m_workspace.base;
    if (base.rfind("origin/", 0) == 0) base = base.substr(7);
    sdk::PullRequestDraft draft{m_issue.title, pr_body(m_issue, m_plan, m_settings.closes_by_number),
                                m_workspace.branch, base, false};
    auto opened = m_services.code_host->open(draft, cancel);
    if (!opened.ok()) throw Stop{RunState::failed, "publish: " + opened.failure().message};
    pr = *opened;
  }
  m_store.set_pr(m_key, pr.id, pr.url);
  // The comment is recorded with the stage: a resumed run does not comment twice. With a
  // status comment ([write_back]) the pull request is said there instead.
  if (!keeps_status_comment()) {
    auto commented = m_services.tracker->comment(m_key, "fanout opened a pull request for this issue: " +
                                                            (pr.url.empty() ? "#" + pr.id : pr.url), cancel);
    if (!commented.ok()) progress("could not comment on the issue: " + commented.failure().message);
  }
  m_store.complete_stage(m_key, stage::publish);
  progress("pull request " + (pr.url.empty() ? pr.id : pr.url));
}

std::vector<ReviewOutcome> Pipeline::Run::validate(int round) {
  enter(stage::validate, round);
  auto diff = git::diff(*m_services.processes, m_workspace.path, m_workspace.base, m_owner.m_scope.child());
  check_cancel();
  if (!diff.ok()) throw Stop{RunState::failed, "validate: " + diff.failure().message};
  sdk::ReviewRequest request;
  request.issue = m_issue;
  request.diff = std::move(*diff);
  request.pr = current_pr();
  request.workspace = m_workspace;
  request.model = m_settings.review_model;
  SessionContext context;
  context.meter = &*m_meter;
  context.scope = &m_owner.m_scope;
  context.base_env = m_settings.agent_env;
  context.on_event = [this](const std::string& summary) { progress(summary); };
  // A reviewer's session label ("review-<name>") gets the round: each round's are new sessions.
  context.place = [this, round](const std::string& label) { return place(label + "-" + std::to_string(round)); };
  auto result = run_reviewers(m_services.make_reviewers, request, context, m_dir, m_settings.review_timeout);
  settle_usage();
  if (m_meter->over()) throw Stop{RunState::over_budget, m_meter->reason()};
  check_cancel();
  if (!result.failure.empty()) throw Stop{RunState::failed, "validate: " + result.failure};
  m_store.save_reviews(m_key, round, result.outcomes);
  m_store.complete_stage(m_key, stage::validate, round);
  int changes = 0;
  for (const auto& outcome : result.outcomes) changes += requests_changes(outcome) ? 1 : 0;
  progress(fmt::format("{} reviewer(s), {} requesting changes", result.outcomes.size(), changes));
  return result.outcomes;
}

/// Resumes the builder's session (where the provider can) with prompt `prompt_name` and
/// `findings`; transcript `<label>.jsonl`. Its final answer goes to `text` when given.
void Pipeline::Run::resume_builder(const std::string& label, const std::string& prompt_name,
                                   const std::string& findings, std::string* text) {
  auto request = agent_request(prompt(prompt_name, findings), m_settings.build_model, sdk::Permission::edit);
  request.timeout = tighter(m_settings.fix_timeout, m_settings.build_timeout);
  const auto previous = m_store.get(m_key)->build_session;
  if (!previous.empty() && m_services.agent->can_resume()) request.resume_session_id = previous;
  auto run = session(label, std::move(request));
  if (run.result.ok() && !run.result->session_id.empty()) m_store.set_build_session(m_key, run.result->session_id);
  std::string stage_name = label;
  if (const auto dash = stage_name.rfind('-'); dash != std::string::npos) stage_name[dash] = ' ';
  check_session(stage_name, run);
  if (text) *text = run.result->text;
}

void Pipeline::Run::push(const std::string& stage, const sdk::PushOptions& options) {
  auto pushed = m_services.code_host->push(m_workspace.path, m_workspace.branch, options, m_owner.m_scope.child());
  check_cancel();
  if (!pushed.ok()) throw Stop{RunState::failed, stage + ": " + pushed.failure().message};
}

bool Pipeline::Run::fix(int round, const std::vector<ReviewOutcome>& outcomes, bool push_now) {
  enter(stage::fix, round);
  const std::string before = head();
  resume_builder("fix-" + std::to_string(round), "fix", findings_markdown(outcomes));
  commit_leftovers("fix " + std::to_string(round),
                   "Address review findings, round " + std::to_string(round) + " (" + m_key + ")");
  if (head() == before) return false;
  if (push_now) push("fix", {});
  m_store.complete_stage(m_key, stage::fix, round);
  return true;
}

/// Validation rounds after the ones already recorded, so every round's reviews are kept.
int Pipeline::Run::next_validation_round() {
  int next = 0;
  for (const auto& record : m_store.stages(m_key))
    if (record.stage == stage::validate) next = std::max(next, record.round + 1);
  return next;
}

FollowUpResult Pipeline::Run::follow_up(const FollowUp& request, const RunRecord& prior) {
  FollowUpResult out;
  const std::string label = request.stage + "-" + std::to_string(request.round);
  try {
    check_cancel();
    fetch();
    up();
    m_plan = util::read_text(m_dir / "plan.md");
    enter(request.stage, request.round);
    out.before = head();
    if (request.update) {
      auto conflicts = request.update->start(m_owner.m_scope.child());
      check_cancel();
      if (!conflicts.ok()) throw Stop{RunState::failed, request.stage + ": " + conflicts.failure().message};
      // Each session resolves one stop of the rebase (a merge stops once); bounded so a
      // builder that keeps leaving conflicts does not loop.
      for (int turn = 1; !conflicts->empty(); ++turn) {
        if (turn > 20) {
          request.update->abort();
          throw Stop{RunState::needs_human, request.stage + ": conflicts remain after 20 builder sessions"};
        }
        resume_builder(label, request.prompt, request.findings + "\n" + *conflicts, &out.agent_text);
        conflicts = request.update->resume(m_owner.m_scope.child());
        check_cancel();
        if (!conflicts.ok()) {
          request.update->abort();
          throw Stop{RunState::needs_human, request.stage + ": " + conflicts.failure().message};
        }
      }
    } else {
      resume_builder(label, request.prompt, request.findings, &out.agent_text);
      commit_leftovers(label, request.subject);
    }
    out.after = head();
    if (out.after == out.before) {
      // Nothing to validate or push: the run keeps the verdict it had.
      m_store.complete_stage(m_key, request.stage, request.round);
      if (prior.state == RunState::needs_human) throw Stop{RunState::needs_human, prior.error};
      throw Stop{RunState::done, ""};
    }
    int round = next_validation_round();
    int fixes = 0;
    std::vector<ReviewOutcome> outcomes;
    while (true) {
      outcomes = validate(round);
      if (summarize(outcomes) != RoundVerdict::changes_needed || fixes >= m_settings.fix_rounds) break;
      if (!fix(round + 1, outcomes, false)) break;
      ++fixes;
      ++round;
    }
    out.after = head();
    push(request.stage, request.push);
    out.pushed = true;
    enter(request.stage, request.round); // the run shows the watch stage, not its last validation
    m_store.complete_stage(m_key, request.stage, request.round);
    switch (summarize(outcomes)) {
    case RoundVerdict::approved: out.state = RunState::done; break;
    case RoundVerdict::changes_needed:
      out.state = RunState::needs_human;
      out.error = fmt::format("{}: changes still requested after {} fix round(s)", request.stage, fixes);
      break;
    case RoundVerdict::incomplete:
      out.state = RunState::needs_human;
      out.error = request.stage + ": a reviewer could not run";
      break;
    }
  } catch (const Stop& stop) {
    out.state = stop.state;
    out.error = stop.message;
  }
  settle_usage();
  if (m_owner.m_scope.cancelled() && out.state != RunState::done && out.state != RunState::needs_human) {
    out.state = RunState::cancelled;
    out.error = "cancelled (fanout watch continues it when it runs again)";
  }
  m_store.set_state(m_key, out.state, out.error);
  write_back();
  if (m_owner.m_observer)
    m_owner.m_observer->update({m_key, m_stage, out.state, m_meter->tokens(), m_meter->cost_usd(),
                                out.error.empty() ? std::string(to_string(out.state)) : out.error, true});
  return out;
}

void Pipeline::Run::report(RunState state, const std::vector<ReviewOutcome>& outcomes, int rounds,
                           const std::string& note) {
  if (m_store.done(m_key, stage::report)) return;
  enter(stage::report);
  sdk::CancelToken cancel = m_owner.m_scope.child();
  if (auto pr = current_pr()) {
    auto review = pr_review(outcomes, rounds, state);
    auto posted = m_services.code_host->review(*pr, review, cancel);
    // GitHub refuses APPROVE and REQUEST_CHANGES on a PR opened by the same account: say it
    // as a comment instead of losing the review.
    if (!posted.ok() && review.event != sdk::ReviewEvent::comment && !cancel.cancelled()) {
      review.event = sdk::ReviewEvent::comment;
      posted = m_services.code_host->review(*pr, review, cancel);
    }
    if (!posted.ok()) throw Stop{RunState::failed, "report: " + posted.failure().message};
  }
  if (!keeps_status_comment()) {
    auto record = m_store.get(m_key);
    auto commented = m_services.tracker->comment(m_key, status_comment(state, record->pr_url, outcomes, note), cancel);
    if (!commented.ok()) progress("could not comment on the issue: " + commented.failure().message);
  }
  m_store.complete_stage(m_key, stage::report);
}

} // namespace fanout::pipeline
