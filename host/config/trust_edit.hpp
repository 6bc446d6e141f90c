#pragma once
// `fanout config trust`: adds a repo to [trust] repos in the user config, editing the text
// in place so the user's comments and layout survive.

#include <filesystem>
#include <string>

namespace fanout::config {

/// `text` (a user config, possibly empty) with `repo` added to [trust] repos. Returns it
/// unchanged when the repo is already listed. Throws UserError for a file that does not
/// parse or whose [trust] is not a plain table.
std::string add_trusted_repo(const std::string& text, const std::filesystem::path& repo, const std::string& shown);

/// Reads `user_config` (missing: empty), adds `repo`, writes it back (creating parent
/// directories). False when the repo was already trusted.
bool trust_repo(const std::filesystem::path& user_config, const std::filesystem::path& repo);

} // namespace fanout::config
