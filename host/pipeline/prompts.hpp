#pragma once
// The placeholder values of the loop's prompts (plan, build, fix). Prompt lookup and the
// template language are in host/pipeline/prompt_template.hpp and
// <fanout/sdk/prompt_template.hpp>.

#include <fanout/sdk/prompt_template.hpp>
#include <fanout/sdk/reviewer.hpp>

#include <string>

namespace fanout::pipeline {

/// issue.key, issue.title, issue.body, issue.url, plan, findings, diff, workspace.port,
/// workspace.path, workspace.branch, workspace.base, and workspace.database_env (the name
/// of the env var that holds the database URL, set only when the workspace has one).
sdk::TemplateValues prompt_values(const sdk::Issue& issue, const sdk::WorkspaceInfo& workspace,
                                  const std::string& plan, const std::string& findings, const std::string& diff,
                                  const std::string& database_env = "DATABASE_URL");

} // namespace fanout::pipeline
