#include "support/review_session.hpp"

#include "builtin_prompts.hpp"

#include "support/json_access.hpp"

#include <fanout/sdk/prompt_text.hpp>
#include <fanout/sdk/review_schema.hpp>

#include <fstream>
#include <sstream>

namespace fanout::support {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return text.str();
}

bool looks_like_file(const std::string& prompt) {
  return prompt.find('/') != std::string::npos ||
         (prompt.size() > 3 && prompt.compare(prompt.size() - 3, 3, ".md") == 0);
}

sdk::FailureKind failure_kind(sdk::SessionOutcome outcome) {
  switch (outcome) {
  case sdk::SessionOutcome::timeout: return sdk::FailureKind::timeout;
  case sdk::SessionOutcome::auth: return sdk::FailureKind::auth;
  case sdk::SessionOutcome::rate_limited: return sdk::FailureKind::rate_limited;
  case sdk::SessionOutcome::cancelled: return sdk::FailureKind::cancelled;
  default: return sdk::FailureKind::error;
  }
}

std::string retry_prompt(const std::string& why) {
  return "Your answer was not a valid review: " + why +
         ".\nReply again with only the JSON object (no prose, no code fence needed) that follows this "
         "schema exactly:\n" + std::string(sdk::k_review_schema);
}

} // namespace

sdk::Result<std::string> load_review_prompt(const sdk::Host& host, const std::string& prompt) {
  if (looks_like_file(prompt)) {
    fs::path path = fs::path(prompt).is_absolute() ? fs::path(prompt) : host.repo_root() / prompt;
    if (auto text = read_file(path)) return *text;
    return sdk::fail(sdk::FailureKind::not_found, "prompt file \"" + path.string() + "\" not found");
  }
  if (auto text = read_file(host.repo_root() / ".fanout" / "prompts" / (prompt + ".md"))) return *text;
  if (auto text = builtin_prompt(prompt); !text.empty()) return std::string(text);
  return sdk::fail(sdk::FailureKind::not_found,
                   "unknown prompt \"" + prompt + "\" (built in: " + std::string(k_builtin_prompt_names) +
                       "; or put .fanout/prompts/" + prompt + ".md in the repository)");
}

std::string database_env_name(const sdk::WorkspaceInfo& workspace, const std::string& configured) {
  if (!configured.empty()) return configured;
  if (workspace.env.count("DATABASE_URL")) return "DATABASE_URL";
  return {};
}

std::string cap_diff(const std::string& diff, size_t max_diff_bytes, const std::string& base) {
  if (max_diff_bytes == 0 || diff.size() <= max_diff_bytes) return diff;
  // Whole lines when there is one to cut at (a hunk line cut in two reads as a change that is
  // not there), and never inside a UTF-8 character.
  size_t cut = diff.rfind('\n', max_diff_bytes - 1);
  cut = cut == std::string::npos ? max_diff_bytes : cut + 1;
  while (cut > 0 && (static_cast<unsigned char>(diff[cut]) & 0xC0) == 0x80) --cut;
  std::string out = diff.substr(0, cut);
  if (!out.empty() && out.back() != '\n') out += "\n";
  out += "[diff cut by fanout: " + sdk::human_size(diff.size()) + ", showing the first " + std::to_string(cut) +
         " bytes (max_diff_bytes = " + std::to_string(max_diff_bytes) + "); run `git diff " + base +
         "...HEAD` for the rest]";
  return out;
}

sdk::TemplateValues review_values(const sdk::ReviewRequest& request, const std::string& database_env,
                                  size_t max_diff_bytes) {
  const std::string diff = cap_diff(request.diff, max_diff_bytes, request.workspace.base);
  const auto& ws = request.workspace;
  std::string port = ws.env.count("PORT") ? ws.env.at("PORT") : ws.ports.empty() ? "" : std::to_string(ws.ports[0]);
  sdk::TemplateValues values{
      {"issue.key", request.issue.key},     {"issue.title", request.issue.title},
      {"issue.body", request.issue.body},   {"issue.url", request.issue.url},
      {"diff", diff},                       {"schema", std::string(sdk::k_review_schema)},
      {"workspace.path", ws.path.string()}, {"workspace.branch", ws.branch},
      {"workspace.base", ws.base},          {"workspace.port", port},
      {"workspace.database_env", database_env},
  };
  if (request.pr) {
    values["pr.url"] = request.pr->url;
    values["pr.title"] = request.pr->title;
    values["pr.id"] = request.pr->id;
  }
  return values;
}

sdk::Result<sdk::Review> run_review_session(sdk::AgentProvider& agent, const sdk::ReviewRequest& request,
                                            const std::string& prompt, const SessionOptions& options,
                                            const sdk::CancelToken& cancel) {
  sdk::SessionRequest session;
  session.prompt = prompt;
  session.workdir = request.workspace.path;
  session.env = request.workspace.env;
  // Names the session for providers that key on it (the replay provider picks the
  // recording "<FANOUT_ISSUE>/review"); the pipeline may set a more specific one.
  if (!session.env.count("FANOUT_STAGE")) session.env["FANOUT_STAGE"] = "review";
  session.model = options.model;
  session.permission = sdk::Permission::read_only;
  session.timeout = options.timeout;
  session.max_turns = options.max_turns;
  session.output_schema = std::string(sdk::k_review_schema);
  const std::string who = "agent \"" + options.provider + "\"";

  std::string why;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    if (cancel.cancelled()) return sdk::fail(sdk::FailureKind::cancelled, "review cancelled");
    auto result = agent.run(session, [](const sdk::AgentEvent&) {}, cancel);
    if (!result.ok()) return std::move(result).failure();
    if (result->outcome != sdk::SessionOutcome::success)
      return sdk::fail(failure_kind(result->outcome), "review session with " + who + " failed (" +
                                                          std::string(sdk::to_string(result->outcome)) +
                                                          ")" + (result->text.empty() ? "" : ": " + result->text));
    auto review = sdk::parse_review(result->text);
    if (review.ok()) return review;
    why = review.failure().message;
    // Retry once: in the same session when possible (the agent keeps what it learned),
    // else a new session with the correction appended.
    if (agent.can_resume() && !result->session_id.empty()) {
      session.resume_session_id = result->session_id;
      session.prompt = retry_prompt(why);
    } else {
      session.prompt = prompt + "\n\n" + retry_prompt(why);
    }
  }
  return sdk::fail(sdk::FailureKind::invalid_input,
                   who + " did not return a valid review after 2 attempts: " + why);
}

sdk::Result<sdk::Review> review_with_agent(sdk::Host& host, const std::string& provider,
                                           const std::string& prompt_name, const sdk::ReviewRequest& request,
                                           const sdk::CancelToken& cancel) {
  const auto& config = host.config();
  auto prompt = load_review_prompt(host, prompt_name);
  if (!prompt.ok()) return std::move(prompt).failure();
  auto agent = host.agent(provider);
  if (!agent.ok()) return std::move(agent).failure();
  const std::string database_env = database_env_name(request.workspace, string_at(config, "database_env"));
  const auto values = review_values(request, database_env, config.value("max_diff_bytes", size_t(200000)));
  SessionOptions options;
  options.provider = provider;
  options.model = string_or(config, "model", request.model);
  options.timeout = std::chrono::milliseconds(config.value("timeout", std::int64_t(0)));
  options.max_turns = config.value("max_turns", 0);
  return run_review_session(**agent, request, sdk::render_template(*prompt, values), options, cancel);
}

} // namespace fanout::support
