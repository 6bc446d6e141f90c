#pragma once
// Prompt lookup: which file a prompt name ("plan", "review-pr") comes from, and its text
// rendered with sdk::render_template (the placeholder language is documented there).
//
// Search order for a name:
//   1. <repo>/.fanout/prompts/<name>.md   (a repo overrides any shipped prompt)
//   2. <exe>/../share/fanout/prompts/<name>.md  (an installed fanout)
//   3. <source>/config/prompts/<name>.md  (a build-tree fanout)

#include <fanout/sdk/prompt_template.hpp>
#include <fanout/sdk/result.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::pipeline {

/// The directories searched for prompts, in order (they need not exist).
std::vector<std::filesystem::path> prompt_dirs(const std::filesystem::path& repo_root);

/// The shipped prompt directory (installed, else the source tree's config/prompts): where
/// `fanout demo` and `fanout init` copy defaults from.
std::filesystem::path shipped_prompt_dir();

/// The text of prompt `name`. Failure not_found: `prompt "nme" not found (looked in
/// <dirs>)`; error when the file cannot be read.
sdk::Result<std::string> load_prompt(const std::filesystem::path& repo_root, const std::string& name);

/// load_prompt() then render_template(); the failure of load_prompt() when it fails.
sdk::Result<std::string> render_prompt(const std::filesystem::path& repo_root, const std::string& name,
                                       const sdk::TemplateValues& values);

} // namespace fanout::pipeline
