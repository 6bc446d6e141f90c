#include "host/heal/heal.hpp"

#include "host/agent/transcript.hpp"
#include "host/git/cli.hpp"
#include "host/pipeline/prompt_template.hpp"
#include "host/state/state_db.hpp"
#include "host/util/error.hpp"

#include <fmt/format.h>

#include <sstream>

namespace fanout::heal {

namespace fs = std::filesystem;

namespace {

/// `git <args>` in `dir`; its trimmed stdout. Throws UserError "heal: git <verb> failed: <stderr>".
std::string git(sdk::ProcessRunner& processes, const fs::path& dir, const std::vector<std::string>& args,
                bool allow_failure = false, bool* failed = nullptr) {
  git::RunOptions options;
  options.timeout = std::chrono::minutes(2);
  auto result = git::run_process(&processes, args, dir, {}, options);
  const bool bad = !result.ok() || result->signaled || result->exit_code != 0;
  if (failed) *failed = bad;
  if (bad && !allow_failure)
    throw UserError("heal: git " + args.front() + " failed: " +
                    (result.ok() ? (result->err.empty() ? result->out : result->err) : result.failure().message));
  std::string text = result.ok() ? result->out : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string rules_markdown(const fs::path& worktree, const std::vector<std::string>& rules) {
  std::string out;
  std::error_code ec;
  for (const auto& rule : rules)
    out += "- `" + rule + "`" + (fs::exists(worktree / rule, ec) ? "" : " (does not exist yet)") + "\n";
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "\"" : ", \"") + item + "\"";
  return out;
}

std::string pr_body(const Evidence& evidence, const std::string& reply) {
  return fmt::format("Proposed by `fanout heal` from {} review finding(s) in {} recent run(s). Each finding is "
                     "something an independent reviewer caught after the builder agent said it was done; the "
                     "rules below aim to stop the next agent from repeating it. Nothing is applied until a human "
                     "merges this.\n\n## What the agent proposes\n\n{}\n\n## Evidence\n\n{}",
                     evidence.items.size(), evidence.runs.size(), reply, to_markdown(evidence));
}

} // namespace

bool is_rule_file(const std::string& file, const std::vector<std::string>& rules) {
  for (std::string rule : rules) {
    while (!rule.empty() && rule.back() == '/') rule.pop_back();
    if (file == rule || file.rfind(rule + "/", 0) == 0) return true;
  }
  return false;
}

HealOutcome run_heal(const config::Config& config, const pipeline::Services& services,
                     const pipeline::Settings& settings, const HealOptions& options, std::ostream& out) {
  HealOutcome outcome;
  pipeline::RunStore store(state::StateDb::path_for(config.repo_root));
  const Evidence evidence = collect(store, config.heal.recent_runs);
  outcome.findings = static_cast<int>(evidence.items.size());
  outcome.runs = static_cast<int>(evidence.runs.size());
  if (evidence.items.empty()) {
    out << fmt::format("no review findings in the last {} run(s): nothing to heal\n", evidence.runs.size());
    return outcome;
  }
  out << fmt::format("heal: {} finding(s) from {} run(s)\n", evidence.items.size(), evidence.runs.size());

  auto& processes = *services.processes;
  const fs::path repo = config.repo_root;
  const std::string base = config.workspace.base.empty()
                               ? git(processes, repo, {"rev-parse", "--abbrev-ref", "HEAD"})
                               : config.workspace.base;
  const std::string base_sha = git(processes, repo, {"rev-parse", base});
  std::string name = "heal-" + options.date;
  for (int n = 2;; ++n) {
    bool missing = false;
    git(processes, repo, {"rev-parse", "--verify", "--quiet", "refs/heads/fanout/" + name}, true, &missing);
    if (missing && !fs::exists(config.workspace.root / name)) break;
    name = "heal-" + options.date + "-" + std::to_string(n);
  }
  outcome.branch = "fanout/" + name;
  outcome.worktree = config.workspace.root / name;
  git(processes, repo, {"worktree", "add", "-q", "-b", outcome.branch, outcome.worktree.string(), base_sha});
  out << fmt::format("heal: branch \"{}\" in {}\n", outcome.branch, outcome.worktree.string());

  const sdk::TemplateValues values{{"evidence", to_markdown(evidence)},
                                   {"rules", rules_markdown(outcome.worktree, config.heal.rules)},
                                   {"workspace.branch", outcome.branch},
                                   {"workspace.path", outcome.worktree.string()}};
  auto prompt = pipeline::render_prompt(repo, "heal", values);
  if (!prompt.ok()) throw UserError("heal: " + prompt.failure().message);

  sdk::SessionRequest request;
  request.prompt = std::move(*prompt);
  request.workdir = outcome.worktree;
  request.env = settings.agent_env;
  request.env["FANOUT_STAGE"] = "heal"; // names the session (the replay provider picks its recording by it)
  request.model = config.agent.models.heal;
  request.permission = sdk::Permission::edit;
  request.timeout = std::chrono::minutes(30);
  auto transcript = agent::TranscriptWriter::open(repo / ".fanout" / "runs" / name / "heal.jsonl",
                                                  services::SecretRegistry::global());
  if (!transcript.ok()) throw UserError("heal: " + transcript.failure().message);
  (*transcript)->start(config.agent.provider, request);
  auto result = services.agent->run(request, [&](const sdk::AgentEvent& event) { (*transcript)->event(event); }, {});
  if (!result.ok()) throw UserError("heal: " + result.failure().message);
  (*transcript)->result(*result);
  if (result->outcome != sdk::SessionOutcome::success)
    throw UserError(fmt::format("heal: the agent session ended with \"{}\"{}", sdk::to_string(result->outcome),
                                result->text.empty() ? "" : ": " + result->text));
  outcome.reply = result->text;

  if (!git(processes, outcome.worktree, {"status", "--porcelain"}).empty()) { // edited but did not commit
    git(processes, outcome.worktree, {"add", "-A"});
    git(processes, outcome.worktree, {"-c", "user.name=fanout", "-c", "user.email=fanout@localhost", "commit", "-q",
                                      "-m", "heal: proposed agent rules"});
  }
  const auto changed = lines_of(git(processes, outcome.worktree, {"diff", "--name-only", base_sha + "..HEAD"}));
  if (changed.empty()) {
    out << "heal: the agent proposed no rule changes:\n" << outcome.reply << "\n";
    git(processes, repo, {"worktree", "remove", "--force", outcome.worktree.string()}, true);
    git(processes, repo, {"branch", "-D", outcome.branch}, true);
    outcome.branch.clear();
    return outcome;
  }
  std::vector<std::string> outside;
  for (const auto& file : changed)
    if (!is_rule_file(file, config.heal.rules)) outside.push_back(file);
  if (!outside.empty())
    throw UserError(fmt::format("heal changed files outside the agent rules: {} (allowed: {}); see branch \"{}\"",
                                quoted_list(outside), quoted_list(config.heal.rules), outcome.branch));
  out << fmt::format("heal: proposed changes to {}\n", quoted_list(changed));
  if (options.no_pr) return outcome;

  sdk::CancelToken cancel;
  if (auto pushed = services.code_host->push(outcome.worktree, outcome.branch, {}, cancel); !pushed.ok())
    throw UserError("heal: push failed: " + pushed.failure().message);
  sdk::PullRequestDraft draft;
  draft.title = fmt::format("heal: agent rules from {} review finding(s)", evidence.items.size());
  draft.body = pr_body(evidence, outcome.reply);
  draft.head = outcome.branch;
  draft.base = base;
  auto existing = services.code_host->find(outcome.branch, cancel);
  if (!existing.ok()) throw UserError("heal: " + existing.failure().message);
  sdk::Result<sdk::PullRequest> pr = sdk::fail(sdk::FailureKind::error, "");
  if (*existing) {
    sdk::PullRequest update = **existing;
    update.title = draft.title;
    update.body = draft.body;
    pr = services.code_host->update(update, cancel);
  } else {
    pr = services.code_host->open(draft, cancel);
  }
  if (!pr.ok()) throw UserError("heal: cannot open the pull request: " + pr.failure().message);
  outcome.pr = *pr;
  out << fmt::format("heal: pull request {}\n", pr->url.empty() ? pr->id : pr->url);
  return outcome;
}

} // namespace fanout::heal
