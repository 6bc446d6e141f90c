#pragma once
// Running one review as a fresh agent session: the prompt (built-in, a repo override, or a
// repo's own file), its placeholders, the structured answer and the one retry. Shared by
// agent-review and scope-review's agent mode; the built-in prompts are compiled in here.
// Never sees a builder transcript: the request carries only the issue, the diff, the PR and
// the workspace.

#include <fanout/sdk/host.hpp>
#include <fanout/sdk/prompt_template.hpp>
#include <fanout/sdk/reviewer.hpp>

#include <chrono>
#include <string>

namespace fanout::support {

/// The text of prompt `prompt`:
///  - containing "/" or ending in ".md": a file, relative to the repository's main checkout;
///  - else <repo>/.fanout/prompts/<prompt>.md when it exists;
///  - else the built-in prompt of that name.
/// Prompts are read from the main checkout, never from the worktree under review, so a
/// change cannot rewrite the instructions of its own reviewer.
/// Failure not_found: `unknown prompt "x" (built in: "review-pr", ...; or put .fanout/prompts/x.md in the repo)`
/// or `prompt file "p" not found`.
sdk::Result<std::string> load_review_prompt(const sdk::Host& host, const std::string& prompt);

/// `diff` unchanged when it fits in `max_diff_bytes` (0: no limit); else its first whole lines
/// within the limit and a last line that says what was cut and how to see the rest:
/// "[diff cut by fanout: 1.2 MB, showing the first 199987 bytes (max_diff_bytes = 200000);
/// run `git diff main...HEAD` for the rest]".
std::string cap_diff(const std::string& diff, size_t max_diff_bytes, const std::string& base);

/// The placeholders of a review prompt: issue.*, pr.*, workspace.* (path, branch, base,
/// port, database_env), diff (cut to `max_diff_bytes` with a note), schema.
sdk::TemplateValues review_values(const sdk::ReviewRequest& request, const std::string& database_env,
                                  size_t max_diff_bytes);

/// The name of the env var holding the workspace's database URL: `configured` when set,
/// else DATABASE_URL when present in the workspace env, else "" (no database).
std::string database_env_name(const sdk::WorkspaceInfo& workspace, const std::string& configured);

/// How to run the session.
struct SessionOptions {
  std::string provider;   ///< the agent provider plugin, for messages
  std::string model;      ///< "" = the provider's default
  std::chrono::milliseconds timeout{0};
  int max_turns = 0;
};

/// Runs `prompt` as a read-only session in the workspace, asks for the review schema as
/// structured output, and parses the answer. An answer that is not a valid review gets one
/// retry (resuming the session when the provider can) asking for valid JSON only; then
/// Failure invalid_input: `agent "codex" did not return a valid review after 2 attempts: <why>`.
/// A session that fails maps its outcome to a FailureKind (timeout, auth, rate_limited,
/// cancelled, else error): `review session with agent "codex" failed (timeout): <text>`.
sdk::Result<sdk::Review> run_review_session(sdk::AgentProvider& agent, const sdk::ReviewRequest& request,
                                            const std::string& prompt, const SessionOptions& options,
                                            const sdk::CancelToken& cancel);

/// The whole agent review of a reviewer plugin, as its config table says: the prompt
/// `prompt_name` (load_review_prompt), rendered with review_values (the table's
/// `database_env`, `max_diff_bytes`, default 200000), run by agent provider `provider` with
/// the table's `model` (else the request's), `timeout` (ms) and `max_turns`. Failures as
/// load_review_prompt, Host::agent and run_review_session give them.
sdk::Result<sdk::Review> review_with_agent(sdk::Host& host, const std::string& provider,
                                           const std::string& prompt_name, const sdk::ReviewRequest& request,
                                           const sdk::CancelToken& cancel);

} // namespace fanout::support
