// `fanout issues` and `fanout issue show KEY`: the configured tracker's issues.
#include "host/cli/commands.hpp"

#include "host/app/workspace_plugins.hpp"
#include "host/config/config.hpp"
#include "host/util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <memory>

namespace fanout::cli {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

sdk::IssueTracker& tracker_of(app::WorkspacePlugins& plugins) {
  std::string why;
  sdk::IssueTracker* tracker = plugins.tracker(why);
  if (!tracker) throw UserError(why); // names [tracker] (and its position for config mistakes)
  return *tracker;
}

struct IssuesOptions {
  bool json = false;
  std::vector<std::string> labels;
  std::string state;
  int limit = 0;
};

void list_issues(Context& context, const IssuesOptions& options) {
  const auto& config = context.config();
  app::WorkspacePlugins plugins(config);
  sdk::IssueQuery query;
  query.labels = options.labels;
  query.state = options.state;
  query.limit = options.limit;
  auto issues = tracker_of(plugins).list(query, sdk::CancelToken());
  if (!issues) throw UserError(issues.failure().message);
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& issue : *issues)
      out.push_back({{"key", issue.key}, {"title", issue.title}, {"state", issue.state}, {"labels", issue.labels},
                     {"url", issue.url}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  size_t key_width = 3, state_width = 5;
  for (const auto& issue : *issues) {
    key_width = std::max(key_width, issue.key.size());
    state_width = std::max(state_width, issue.state.size());
  }
  for (const auto& issue : *issues) {
    std::string line = issue.key + std::string(key_width - issue.key.size() + 2, ' ') + issue.state +
                       std::string(state_width - issue.state.size() + 2, ' ') + issue.title;
    if (!issue.labels.empty()) line += "  [" + join(issue.labels, ", ") + "]";
    std::cout << line << "\n";
  }
  if (issues->empty()) std::cerr << "no issues match\n";
}

void show_issue(Context& context, const std::string& key) {
  const auto& config = context.config();
  app::WorkspacePlugins plugins(config);
  auto issue = tracker_of(plugins).get(key, sdk::CancelToken());
  if (!issue) throw UserError(issue.failure().message);
  std::cout << "# " << issue->title << "\n\n"
            << "Issue: " << issue->key << " (" << issue->state << ")\n"
            << "URL: " << issue->url << "\n";
  if (!issue->labels.empty()) std::cout << "Labels: " << join(issue->labels, ", ") << "\n";
  std::cout << "\n" << issue->body;
  if (!issue->body.empty() && issue->body.back() != '\n') std::cout << "\n";
}

} // namespace

void add_issues_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<IssuesOptions>();
  auto* issues = app.add_subcommand("issues", "List issues from the configured tracker");
  issues->add_flag("--json", options->json, "Print a JSON array of {key, title, state, labels, url}");
  issues->add_option("--label", options->labels, "Only issues with this label (repeatable: all must match)");
  issues->add_option("--state", options->state, "Only issues in this state (default: open; \"all\" where supported)");
  issues->add_option("--limit", options->limit, "At most this many issues");
  issues->callback([&context, options] { list_issues(context, *options); });

  auto* issue = app.add_subcommand("issue", "One issue from the configured tracker");
  issue->require_subcommand(1);
  auto key = std::make_shared<std::string>();
  auto* show = issue->add_subcommand("show", "Print an issue as an agent will see it");
  show->add_option("KEY", *key, "The issue key")->required();
  show->callback([&context, key] { show_issue(context, *key); });
}

} // namespace fanout::cli
