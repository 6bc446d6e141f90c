// `fanout pr show ISSUE`: the pull request of an issue's branch on the [codehost], and its reviews.
#include "host/cli/commands.hpp"

#include "host/app/plugin_set.hpp"
#include "host/app/pr_branches.hpp"
#include "host/config/config.hpp"
#include "host/services/http_client.hpp"
#include "host/services/process_runner.hpp"
#include "host/util/error.hpp"
#include "host/workspace/naming.hpp"

#include <fanout/sdk/code_host.hpp>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <sstream>

namespace fanout::cli {
namespace {

const char* state_name(sdk::PullRequestState state) {
  switch (state) {
  case sdk::PullRequestState::open: return "open";
  case sdk::PullRequestState::closed: return "closed";
  case sdk::PullRequestState::merged: return "merged";
  }
  return "open";
}

/// The [codehost] plugin instance and what it is bound to, in destruction order.
struct CodeHostSession {
  services::LocalProcessRunner processes;
  services::CurlHttpClient http;
  std::unique_ptr<app::PluginSet> plugins;
  sdk::CodeHost* code_host = nullptr;
};

std::unique_ptr<CodeHostSession> open_code_host(Context& context) {
  const auto& config = context.config();
  const auto& table = config.codehost;
  if (table.plugin.empty()) throw UserError("no [codehost] configured (set [codehost] kind, e.g. \"github\")", ExitCode::usage);
  auto session = std::make_unique<CodeHostSession>();
  plugins::HostServices services;
  services.http = &session->http;
  services.processes = &session->processes;
  session->plugins = std::make_unique<app::PluginSet>(config, context.plugins(), services);
  auto made = session->plugins->make<sdk::CodeHost>(table);
  if (!made.ok()) throw UserError("[codehost] " + table.plugin + ": " + made.failure().message);
  session->code_host = *made;
  return session;
}

void show_pr(Context& context, const std::string& key, bool as_json) {
  auto session = open_code_host(context);
  value_or_throw(workspace::check_key(key));
  const auto branches = app::pr_branches(context.repo_root(), key, session->processes);
  if (branches.empty())
    throw UserError("no branch for issue \"" + key + "\" (no workspace, and no branch \"" + workspace::branch_prefix(key) +
                    "*\"): run \"fanout up " + key + "\" or \"fanout run\" first");
  sdk::CancelToken cancel;
  std::optional<sdk::PullRequest> pr;
  for (const auto& branch : branches) {
    auto found = session->code_host->find(branch, cancel);
    if (!found) throw UserError(found.failure().message);
    if (*found) {
      pr = **found;
      break;
    }
  }
  if (!pr) throw UserError("no pull request for issue \"" + key + "\" (branch \"" + branches.front() + "\")");
  auto reviews = session->code_host->reviews(*pr, cancel);
  if (!reviews && reviews.failure().kind != sdk::FailureKind::unsupported) throw UserError(reviews.failure().message);

  if (as_json) {
    nlohmann::json out = {{"id", pr->id},     {"url", pr->url},   {"title", pr->title}, {"head", pr->head},
                          {"base", pr->base}, {"state", state_name(pr->state)}, {"draft", pr->draft}};
    out["reviews"] = nlohmann::json::array();
    if (reviews)
      for (const auto& r : *reviews)
        out["reviews"].push_back({{"author", r.author}, {"state", r.state}, {"body", r.body}, {"url", r.url},
                                  {"submitted_at", r.submitted_at}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << "#" << pr->id << " " << pr->title << " (" << state_name(pr->state) << (pr->draft ? ", draft" : "") << ")\n"
            << pr->url << "\n"
            << pr->head << " -> " << pr->base << "\n\n";
  if (!reviews) {
    std::cout << "reviews: " << reviews.failure().message << "\n";
    return;
  }
  if (reviews->empty()) {
    std::cout << "no reviews yet\n";
    return;
  }
  std::cout << "reviews:\n";
  for (const auto& r : *reviews) {
    std::cout << "- " << (r.state.empty() ? "reviewed" : r.state) << " by " << (r.author.empty() ? "unknown" : r.author);
    if (!r.submitted_at.empty()) std::cout << " at " << r.submitted_at;
    std::cout << "\n";
    std::istringstream body(r.body);
    for (std::string line; std::getline(body, line);) std::cout << "    " << line << "\n";
  }
}

} // namespace

void add_pr_commands(CLI::App& app, Context& context) {
  auto* pr = app.add_subcommand("pr", "Pull requests on the configured code host");
  pr->require_subcommand(1);
  auto key = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  auto* show = pr->add_subcommand("show", "Print the pull request of an issue's branch and its reviews");
  show->add_option("ISSUE", *key, "The issue key")->required();
  show->add_flag("--json", *as_json, "Print {id, url, title, head, base, state, draft, reviews[]} as JSON");
  show->callback([&context, key, as_json] { show_pr(context, *key, *as_json); });
}

} // namespace fanout::cli
