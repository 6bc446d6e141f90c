#include "host/pipeline/prompts.hpp"

namespace fanout::pipeline {

sdk::TemplateValues prompt_values(const sdk::Issue& issue, const sdk::WorkspaceInfo& workspace,
                                  const std::string& plan, const std::string& findings, const std::string& diff,
                                  const std::string& database_env) {
  return {
      {"issue.key", issue.key},
      {"issue.title", issue.title},
      {"issue.body", issue.body},
      {"issue.url", issue.url},
      {"plan", plan},
      {"findings", findings},
      {"diff", diff},
      {"workspace.port", workspace.ports.empty() ? "" : std::to_string(workspace.ports.front())},
      {"workspace.path", workspace.path.string()},
      {"workspace.branch", workspace.branch},
      {"workspace.base", workspace.base},
      {"workspace.database_env", workspace.env.count(database_env) ? database_env : ""},
  };
}

} // namespace fanout::pipeline
