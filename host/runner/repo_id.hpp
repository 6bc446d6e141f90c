#pragma once
// The repository's id as a remote runner labels what it makes (sdk::SessionLabels::repo):
// `fanout doctor` and `fanout clean` treat as theirs only what carries this checkout's id.

#include <filesystem>
#include <string>

namespace fanout::runner {

/// "<slug of the folder's name>-<8 hex digits of a hash of its absolute path>": lower-case
/// [a-z0-9-], at most 40 characters, the same for the same checkout on every call, and
/// different for two checkouts of one repository (each has its own runs to own).
std::string repo_id(const std::filesystem::path& repo_root);

} // namespace fanout::runner
